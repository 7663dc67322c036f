"""Properties of the bucket-folder key helper shared by S3Bucket and GcsBucket."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headrace.utilities.object_keys import (
    InvalidObjectKey,
    join_key,
    normalize_folder,
    object_key,
    relative_key,
    split_key,
)

# a segment is any name an object store accepts that is not "", "." or ".."
segment = st.text(
    alphabet=st.characters(blacklist_characters="/", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=8,
).filter(lambda s: s not in (".", ".."))
segments = st.lists(segment, max_size=4)
# how a user may spell the separators around and between segments
slashes = st.sampled_from(["/", "//", "/./"])


@st.composite
def spelled(draw: st.DrawFn, parts: list[str]) -> str:
    """`parts` written with arbitrary extra slashes and `.` segments."""
    lead = draw(st.sampled_from(["", "/", "./"]))
    body = parts[0] if parts else ""
    for part in parts[1:]:
        body += draw(slashes) + part
    return lead + body


@settings(max_examples=60, deadline=None)
@given(st.data(), segments, st.lists(segment, min_size=1, max_size=4))
def test_folder_appears_exactly_once_before_the_path(
    data: st.DataObject, folder: list[str], path: list[str]
) -> None:
    spelled_folder = data.draw(spelled(folder)) + data.draw(st.sampled_from(["", "/"]))
    key = join_key(spelled_folder, data.draw(spelled(path)))
    assert key.split("/") == folder + path


@settings(max_examples=60, deadline=None)
@given(st.data(), segments, st.lists(segment, min_size=1, max_size=4))
def test_relative_key_inverts_join_key(
    data: st.DataObject, folder: list[str], path: list[str]
) -> None:
    spelled_folder = data.draw(spelled(folder))
    assert relative_key(spelled_folder, join_key(spelled_folder, "/".join(path))) == "/".join(path)


@settings(max_examples=60, deadline=None)
@given(st.data(), segments, segments)
def test_keys_never_have_empty_segments_or_a_leading_slash(
    data: st.DataObject, folder: list[str], path: list[str]
) -> None:
    key = join_key(data.draw(spelled(folder)), data.draw(spelled(path)))
    assert not key.startswith("/")
    assert "//" not in key
    assert "" not in key.rstrip("/").split("/") or key == ""


@settings(max_examples=60, deadline=None)
@given(segments, st.lists(segment, min_size=1, max_size=4))
def test_a_trailing_slash_keeps_a_prefix(folder: list[str], path: list[str]) -> None:
    key = join_key("/".join(folder), "/".join(path) + "/")
    assert key.endswith("/")
    assert relative_key("/".join(folder), key) == "/".join(path) + "/"


@settings(max_examples=60, deadline=None)
@given(segments)
def test_an_empty_path_is_the_folder_prefix(folder: list[str]) -> None:
    expected = "/".join(folder) + "/" if folder else ""
    assert join_key("/".join(folder), "") == expected
    assert join_key("/".join(folder), None) == expected
    assert join_key("/".join(folder), ".") == expected


@settings(max_examples=60, deadline=None)
@given(st.data(), segments)
def test_normalize_folder_is_idempotent(data: st.DataObject, folder: list[str]) -> None:
    once = normalize_folder(data.draw(spelled(folder)))
    assert once == "/".join(folder)
    assert normalize_folder(once) == once


@settings(max_examples=60, deadline=None)
@given(st.lists(segment, min_size=1, max_size=3), st.lists(segment, min_size=1, max_size=3))
def test_a_path_starting_like_the_folder_is_still_nested(
    folder: list[str], rest: list[str]
) -> None:
    # no "already prefixed" guessing: data/data/x is a real key, never collapsed
    path = "/".join(folder + rest)
    assert join_key("/".join(folder), path) == "/".join(folder + folder + rest)


@settings(max_examples=60, deadline=None)
@given(segments, st.lists(segment, min_size=1, max_size=3))
def test_relative_key_refuses_keys_outside_the_folder(folder: list[str], other: list[str]) -> None:
    outside = "/".join(["elsewhere-" + other[0], *other[1:]])
    if not folder:
        assert relative_key("", outside) == outside
        return
    with pytest.raises(InvalidObjectKey):
        relative_key("/".join(folder), outside)


@pytest.mark.parametrize("path", ["..", "../x", "a/../../b", "a/.."])
def test_parent_segments_are_refused(path: str) -> None:
    with pytest.raises(InvalidObjectKey, match=r"'\.\.'"):
        join_key("data", path)


def test_examples() -> None:
    assert join_key("data/", "/2024/x.csv") == "data/2024/x.csv"
    assert join_key("", "x") == "x"
    assert join_key(None, "raw/") == "raw/"
    assert join_key("/a//b/", "./c") == "a/b/c"
    assert relative_key("a/b", "a/b/c/d") == "c/d"
    assert split_key("/a//./b/") == ["a", "b"]
    with pytest.raises(InvalidObjectKey):
        relative_key("a", "ab/c")


@settings(max_examples=60, deadline=None)
@given(segments, segments)
def test_object_key_is_join_key_or_refuses_a_folder(folder: list[str], path: list[str]) -> None:
    spelled = "/".join(path)
    if path:
        assert object_key("/".join(folder), spelled) == join_key("/".join(folder), spelled)
        with pytest.raises(InvalidObjectKey, match="names a folder"):
            object_key("/".join(folder), spelled + "/")
    else:
        with pytest.raises(InvalidObjectKey, match="names a folder"):
            object_key("/".join(folder), spelled)
