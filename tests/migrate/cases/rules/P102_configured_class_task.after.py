from prefect import task, get_run_logger, flow


def Multiply(factor=2, offset=0):
    """Multiply by a factor."""
    shift = offset * 10

    @task(name="Multiply")
    def run(x):
        get_run_logger().info("multiplying %s", x)
        return x * factor + shift

    return run


@flow(name="calc")
def calc():
    double = Multiply()
    a = double(3)
    b = Multiply(factor=5).with_options(retries=2)(a)
