"""CompressedSerializer: any serializer's bytes compressed, readable back from the header."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from headrace.results import ResultStore
from headrace.serializers import (
    CompressedPickleSerializer,
    CompressedSerializer,
    JSONSerializer,
    PickleSerializer,
    resolve_serializer,
)


def test_wraps_a_serializer_with_lzma_by_default() -> None:
    serializer = CompressedSerializer(serializer="json")
    value = {"rows": list(range(200))}
    blob = serializer.dumps(value)
    assert lzma.decompress(blob) == JSONSerializer().dumps(value)
    assert len(blob) < len(JSONSerializer().dumps(value))
    assert serializer.loads(blob) == value
    assert serializer.type == "compressed/json?compressionlib=lzma"


def test_zlib_pickle_is_the_same_as_compressed_pickle() -> None:
    serializer = CompressedSerializer(serializer="pickle", compressionlib="zlib")
    assert serializer.type == CompressedPickleSerializer.type == "compressed/pickle"
    assert CompressedPickleSerializer().loads(serializer.dumps([1, 2])) == [1, 2]


def test_result_files_are_read_back_from_their_header(tmp_path: Path) -> None:
    writer = ResultStore(tmp_path, CompressedSerializer(JSONSerializer(), "bz2"))
    writer.write({"a": 1}, key="k")
    record = ResultStore(tmp_path).read("k")  # default serializer: pickle
    assert record is not None and record.load() == {"a": 1}
    assert isinstance(record.serializer, CompressedSerializer)
    assert record.serializer.compressionlib == "bz2"
    assert isinstance(resolve_serializer("compressed/json"), CompressedSerializer)


def test_a_module_without_compress_is_rejected() -> None:
    with pytest.raises(ValueError, match="'json' is not an importable module with compress"):
        CompressedSerializer("pickle", compressionlib="json")
    with pytest.raises(ValueError, match="'no_such_lib'"):
        CompressedSerializer("pickle", compressionlib="no_such_lib")


def test_pickle_serializer_with_another_picklelib(tmp_path: Path) -> None:
    import pickle

    serializer = PickleSerializer(picklelib="pickle")
    blob = serializer.dumps({"a": [1, 2]})
    assert blob == pickle.dumps({"a": [1, 2]})
    assert serializer.loads(blob) == {"a": [1, 2]}
    with pytest.raises((pickle.PicklingError, AttributeError)):
        serializer.dumps(lambda: 1)  # plain pickle cannot, the default (cloudpickle) can
    assert PickleSerializer().loads(PickleSerializer().dumps(lambda: 1))() == 1
    ResultStore(tmp_path, serializer).write([3], key="k")
    record = ResultStore(tmp_path, "json").read("k")
    assert record is not None and record.load() == [3]


def test_pickle_serializer_rejects_bad_picklelib() -> None:
    import pickle

    with pytest.raises(ValueError, match="must name a module"):
        PickleSerializer(picklelib=pickle)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pickle library: 'no_such_lib'"):
        PickleSerializer(picklelib="no_such_lib")
    with pytest.raises(ValueError, match="Pickle library at 'zlib' does not have a 'dumps'"):
        PickleSerializer(picklelib="zlib")  # has neither
