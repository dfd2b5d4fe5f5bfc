#!/usr/bin/env python3
"""Resolve credentials for a profile with botocore, as the AWS CLI and boto3 do.

Prints the access key id. Used by test-login to prove that the SSO token cache Gatehouse writes
is read by a real AWS client. Newer botocore honours AWS_ENDPOINT_URL_SSO; for an older one the
simulator's URLs are passed to the `sso` and `sso-oidc` clients here.
"""
import os
import sys

import botocore.session


def main():
    profile = sys.argv[1]
    session = botocore.session.Session(profile=profile)
    endpoints = {
        "sso": os.environ.get("AWS_ENDPOINT_URL_SSO"),
        "sso-oidc": os.environ.get("AWS_ENDPOINT_URL_SSO_OIDC"),
    }
    create_client = session.create_client

    def create_client_with_endpoint(service_name, *args, **kwargs):
        if endpoints.get(service_name) and not kwargs.get("endpoint_url"):
            kwargs["endpoint_url"] = endpoints[service_name]
        return create_client(service_name, *args, **kwargs)

    session.create_client = create_client_with_endpoint
    credentials = session.get_credentials()
    if credentials is None:
        print("botocore found no credentials", file=sys.stderr)
        return 1
    frozen = credentials.get_frozen_credentials()
    if not frozen.token:
        print("botocore returned credentials without a session token", file=sys.stderr)
        return 1
    print(frozen.access_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
