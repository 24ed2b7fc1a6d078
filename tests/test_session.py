"""AWS handles: every session of a process reads botocore's models through one loader."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest


def test_handles_share_one_loader_its_paths_do_not_grow_and_each_keeps_its_own_profile_and_region(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from byodkim.aws.session import Aws

    config = f"{tmp_path}/config"
    with open(config, "w", encoding="ascii") as out:  # noqa: PTH123
        out.write("[profile team]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", config)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    first = Aws(region="ap-northeast-1")
    paths = list(first.session._loader.search_paths)
    others = [Aws(profile="team") for _ in range(5)]
    loaders = {id(h.session._loader) for h in [first, *others]}
    assert len(loaders) == 1
    assert first.session._loader.search_paths == paths
    assert len(paths) == len(set(paths))
    # What a session is made for stays its own: the profile's region, the region given.
    assert others[0].default_region() == "us-east-1"
    assert first.default_region() == "ap-northeast-1"
    assert first.client("sesv2").meta.region_name == "ap-northeast-1"
    assert others[0].client("sesv2").meta.region_name == "us-east-1"
    # And the models are read once: a second handle's client loads nothing new.
    loader = first.session._loader
    cache = loader._cache  # type: ignore[attr-defined]  # botocore's instance_cache
    before = dict(cache)
    Aws(region="ap-northeast-1").client("sesv2")
    assert cache.keys() == before.keys()
