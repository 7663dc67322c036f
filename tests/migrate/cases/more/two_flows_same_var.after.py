from prefect import task, flow


@task
def hello(name):
    print(f"hello {name}")


@flow(name="Greet People")
def greet_people(who):
    hello(who)

greet_people(who="ada")

# TODO(headrace-migrate P103): Parameter Parameter("person-name", default="bob") must become an argument of the flow function
@flow(name="second")
def second(other_name=None):
    # TODO(headrace-migrate P199): Parameter -> Parameters are arguments of the @flow function now
    name = Parameter("person-name", default="bob")
    other = other_name
    hello(name)

second()
# TODO(headrace-migrate P104): visualize() takes no file options now; it renders the flow's task graph
second.visualize()
