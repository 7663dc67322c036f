from prefect import Flow, Parameter, task


@task
def hello(name):
    print(f"hello {name}")


with Flow("Greet People") as flow:
    who = Parameter("who")
    hello(who)

flow.run(parameters={"who": "ada"})

with Flow("second") as flow:
    name = Parameter("person-name", default="bob")
    other = Parameter("other_name", required=False)
    hello(name)

flow.run()
flow.visualize(filename="dag")
