from prefect import Flow, Task


class Multiply(Task):
    """Multiply by a factor."""

    def __init__(self, factor=2, offset=0, **kwargs):
        self.factor = factor
        self.shift = offset * 10
        super().__init__(**kwargs)

    def run(self, x):
        self.logger.info("multiplying %s", x)
        return x * self.factor + self.shift


with Flow("calc") as flow:
    double = Multiply()
    a = double(3)
    b = Multiply(factor=5, max_retries=2)(a)
