#!/usr/bin/env python3
"""List every account and role of a sign-in serially with botocore, the way
`aws sso list-accounts` followed by `aws sso list-account-roles` for each account does.

Usage: botocore-list.py SESSION_NAME PORTAL_URL
Reads the access token from the AWS CLI token cache that Gatehouse wrote. Prints the role count.
"""
import hashlib
import json
import os
import sys

import botocore.session


def main():
    session_name, portal_url = sys.argv[1], sys.argv[2]
    digest = hashlib.sha1(session_name.encode()).hexdigest()
    with open(os.path.expanduser(f"~/.aws/sso/cache/{digest}.json")) as f:
        token = json.load(f)["accessToken"]

    client = botocore.session.get_session().create_client(
        "sso", region_name="us-east-1", endpoint_url=portal_url)
    roles = 0
    for page in client.get_paginator("list_accounts").paginate(accessToken=token):
        for account in page["accountList"]:
            for role_page in client.get_paginator("list_account_roles").paginate(
                    accessToken=token, accountId=account["accountId"]):
                roles += len(role_page["roleList"])
    print(roles)


if __name__ == "__main__":
    main()
