"""Asking S3 about `s3://` training data (`--remote`): HEAD, then the first bytes only.

boto3 is imported here, on first use, so that validation without `--remote` does not pay
for it. Credentials and region come the standard boto3 way; the endpoint from the option
or `AWS_ENDPOINT_URL`. Timeouts and retries are bounded: an unreachable endpoint costs
seconds. Objects are checked concurrently, each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ...rules import Rule
from .files import HEADER_BYTES
from .rules import S3_OBJECT, S3_UNAVAILABLE

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 3.0
MAX_ATTEMPTS = 2
MAX_WORKERS = 16


@dataclass
class S3Answer:
    """What S3 said about one object: its size and first bytes, or the problem."""

    uri: str
    exists: bool | None = None
    size: int | None = None
    head: bytes | None = None
    rule: Rule | None = None
    message: str | None = None
    hint: str | None = None


def split_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.partition("://")[2].partition("/")
    return bucket, key


def ask(uris: Iterable[str], endpoint_url: str | None = None) -> dict[str, S3Answer]:
    """Each distinct URI checked once, concurrently."""
    unique = list(dict.fromkeys(uris))
    if not unique:
        return {}
    try:
        client = _client(endpoint_url)
    except ImportError:
        return {
            uri: S3Answer(
                uri,
                rule=S3_UNAVAILABLE,
                message=f"cannot check {uri}: boto3 is not installed",
                hint="pip install boto3",
            )
            for uri in unique
        }
    except Exception as error:  # botocore's configuration errors (bad endpoint URL, profile)
        return {uri: _unavailable(uri, error, endpoint_url) for uri in unique}
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(unique))) as pool:
        answers = list(pool.map(lambda uri: _ask_one(client, uri, endpoint_url), unique))
    return {answer.uri: answer for answer in answers}


def _client(endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        max_pool_connections=MAX_WORKERS,
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)


def _ask_one(client: Any, uri: str, endpoint_url: str | None) -> S3Answer:
    from botocore.exceptions import ClientError

    bucket, key = split_uri(uri)
    try:
        size = int(client.head_object(Bucket=bucket, Key=key)["ContentLength"])
        if size == 0:
            return S3Answer(uri, True, size=0, head=b"")
        body = client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{HEADER_BYTES - 1}")
        with body["Body"] as stream:
            return S3Answer(uri, True, size=size, head=stream.read(HEADER_BYTES))
    except ClientError as error:
        return _client_error(client, uri, error)
    except Exception as error:  # connection, timeout and credential errors of botocore
        return _unavailable(uri, error, endpoint_url)


def _client_error(client: Any, uri: str, error: Any) -> S3Answer:
    from botocore.exceptions import ClientError

    bucket, _ = split_uri(uri)
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in ("404", "NoSuchKey", "NotFound"):
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as bucket_error:
            bucket_code = str(bucket_error.response.get("Error", {}).get("Code", ""))
            if bucket_code in ("404", "NoSuchBucket", "NotFound"):
                return S3Answer(
                    uri,
                    False,
                    rule=S3_OBJECT,
                    message=f"bucket '{bucket}' does not exist ({uri})",
                    hint="check the bucket name, and the endpoint or account you check against",
                )
        return S3Answer(
            uri,
            False,
            rule=S3_OBJECT,
            message=f"no object at {uri}",
            hint="upload the training data there, or fix the key",
        )
    if code in ("403", "AccessDenied", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return S3Answer(
            uri,
            rule=S3_UNAVAILABLE,
            message=f"access to {uri} denied ({code})",
            hint="use credentials allowed s3:GetObject on the object (AWS_PROFILE, or the "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables)",
        )
    region = (
        error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-bucket-region")
    )
    if status == 301 or code in ("PermanentRedirect", "AuthorizationHeaderMalformed"):
        where = f" in region {region}" if region else " in another region"
        return S3Answer(
            uri,
            rule=S3_UNAVAILABLE,
            message=f"bucket '{bucket}' is{where}",
            hint=f"set AWS_REGION={region}" if region else "set AWS_REGION to the bucket's region",
        )
    return S3Answer(
        uri,
        rule=S3_UNAVAILABLE,
        message=f"S3 answered {code or status} for {uri}",
        hint=str(error.response.get("Error", {}).get("Message") or "") or None,
    )


def _unavailable(uri: str, error: Exception, endpoint_url: str | None) -> S3Answer:
    from botocore import exceptions

    where = endpoint_url or "S3"
    if isinstance(error, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        message = f"cannot check {uri}: no AWS credentials found"
        hint = "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    elif isinstance(error, exceptions.ConnectTimeoutError | exceptions.ReadTimeoutError):
        message = f"cannot check {uri}: {where} did not answer in time"
        hint = "check the endpoint (--s3-endpoint-url, AWS_ENDPOINT_URL) and the network"
    elif isinstance(error, exceptions.EndpointConnectionError):
        message = f"cannot check {uri}: {where} cannot be reached"
        hint = "check the endpoint (--s3-endpoint-url, AWS_ENDPOINT_URL) and the network"
    elif isinstance(error, exceptions.ProfileNotFound):
        message = f"cannot check {uri}: {error}"
        hint = "fix AWS_PROFILE"
    else:
        message = f"cannot check {uri}: {type(error).__name__}: {error}"
        hint = None
    return S3Answer(uri, rule=S3_UNAVAILABLE, message=message, hint=hint)
