from prefect import Flow, Task

class Add(Task):
    def run(self, x, y):
        return x + y

add = Add(max_retries=2)
