"""In production the throttles count in Redis, shared by every web process: the count is in
Redis itself (removing it there lets the client through again), not in the process."""

import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from tests.conftest import require_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_url():
    require_service("redis-server", bool(shutil.which("redis-server")))
    import redis

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _attempt in range(50):
            try:
                if redis.Redis.from_url(url, socket_timeout=0.2).ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_throttle_counts_live_in_redis(api, user, settings, redis_url):
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    settings.DSAR_API_THROTTLE_RATES = {"user": "3/minute", "address": "100/minute"}
    url = reverse("api:case-list")
    assert [api.get(url).status_code for _i in range(4)] == [200, 200, 200, 429]
    server = redis.Redis.from_url(redis_url)
    keys = [key.decode() for key in server.keys("*throttle_user_*")]
    assert len(keys) == 1 and keys[0].endswith(f"throttle_user_u{user.pk}")
    assert server.keys("*throttle_address_*")
    # What another web process would see is what Redis holds: clear it and the user may call.
    server.delete(*keys)
    assert api.get(url).status_code == 200
