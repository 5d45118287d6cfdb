"""The file tests run twice: on local disk and on S3, against a local S3 server (moto in server mode) that the
session starts itself on a free port of 127.0.0.1 — no network, no credentials."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest

S3_KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(params=["disk", "s3"])
def file_storage(request, settings) -> str:
    """Where private files live in this test: "disk" (the conftest's folder) or "s3" (a fresh bucket)."""
    if request.param == "s3":
        import boto3

        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"resurs-test-{uuid.uuid4().hex[:12]}"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=S3_KEYS["access_key"],
            aws_secret_access_key=S3_KEYS["secret_key"],
            region_name=S3_KEYS["region_name"],
        ).create_bucket(Bucket=bucket)
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    **S3_KEYS,
                    "bucket_name": bucket,
                    "endpoint_url": endpoint,
                    "addressing_style": "path",
                    "signature_version": "s3v4",
                    "location": "private",
                    "default_acl": None,
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }
    return request.param
