"""Pydantic model parameters: a dict is validated into the model, a model passes through."""

from prefect import flow
from prefect.exceptions import ParameterTypeError
from pydantic import BaseModel


class Config(BaseModel):
    n: int
    label: str = "x"


@flow
def takes_model(cfg: Config) -> str:
    return f"{type(cfg).__name__} {cfg!r}"


print(takes_model({"n": "3"}))
print(takes_model(Config(n=4, label="given")))
try:
    takes_model({"label": "no n"})
except ParameterTypeError as exc:
    print("raised:", type(exc).__name__)
