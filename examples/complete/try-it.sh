#!/usr/bin/env bash
# Revocation end to end against the deployed example (run after `terraform apply` in this directory):
#   1. creates (or resets) a test user with a random password that is never printed nor stored;
#   2. signs it in (ADMIN_USER_PASSWORD_AUTH, your IAM credentials) and calls both APIs with the access token: 200;
#   3. signs the user out everywhere with the project's CLI (admin signout Lambda);
#   4. calls both APIs again with the same, unexpired token: REST 401, HTTP API 403 (docs/authorizer.md).
# Needs: terraform, aws (v2), curl, node >= 20 with `npm ci && npm run build` done at the repository root.
# Tokens and the password go through files readable only by you, never through command lines or output.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./try-it.sh [--help]

Revocation end to end against the deployed example, in a real AWS account (run after `terraform apply` here):
creates or resets the test user $TEST_USER_EMAIL (default revocation-test@example.com) with a random password,
signs it in, calls the REST and the HTTP API (expect 200 200), signs the user out everywhere with the CLI,
and calls both again with the same token (expect 401 403).

Needs: terraform, aws (v2), curl, node >= 20, `npm ci && npm run build` at the repository root, AWS credentials
for the account and region of the example. Creates a Cognito user; nothing else is created or changed.
  --help, -h   print this and exit without doing anything
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) echo "try-it: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac

cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)

for tool in terraform aws curl node; do
  command -v "$tool" >/dev/null || { echo "try-it: $tool is not on PATH" >&2; exit 1; }
done
[ -f "$repo/dist/cli/index.js" ] || { echo "try-it: run 'npm ci && npm run build' at $repo first (the CLI)" >&2; exit 1; }

# Before `terraform apply` there are no outputs: Terraform prints a "No outputs found" warning (on stdout or stderr,
# depending on the version) and `-raw` would hand that text on as a value. Refuse instead.
outputs=$(terraform output -json 2>/dev/null || true)
if [ -z "$outputs" ] || [ "$outputs" = "{}" ] || ! printf '%s' "$outputs" | grep -q '"user_pool_id"'; then
  echo "try-it: no Terraform outputs here yet: run 'terraform init && terraform apply' in $(pwd) first" >&2
  exit 1
fi
out() {
  local value
  value=$(terraform output -raw "$1" 2>/dev/null) || { echo "try-it: terraform output $1 failed: run 'terraform apply' first" >&2; exit 1; }
  case "$value" in
    "" | *"No outputs found"* | *Warning* | *$'\n'*) echo "try-it: output $1 is missing or not a value: run 'terraform apply' first" >&2; exit 1 ;;
  esac
  printf '%s' "$value"
}
export AWS_REGION; AWS_REGION=$(out region)
pool=$(out user_pool_id)
client=$(out client_id)
rest_url=$(out rest_api_url)
http_url=$(out http_api_url)
admin_fn=$(out admin_signout_function_name)
email=${TEST_USER_EMAIL:-revocation-test@example.com}

secrets=$(mktemp -d)
chmod 700 "$secrets"
trap 'rm -rf "$secrets"' EXIT
password="Aa1-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

# 1. The test user (SUPPRESS: no invitation e-mail is sent).
if ! aws cognito-idp admin-get-user --user-pool-id "$pool" --username "$email" >/dev/null 2>&1; then
  aws cognito-idp admin-create-user --user-pool-id "$pool" --username "$email" --message-action SUPPRESS \
    --user-attributes Name=email,Value="$email" Name=email_verified,Value=true >/dev/null
  echo "created test user $email"
fi
cat >"$secrets/password.json" <<JSON
{"UserPoolId": "$pool", "Username": "$email", "Password": "$password", "Permanent": true}
JSON
aws cognito-idp admin-set-user-password --cli-input-json "file://$secrets/password.json"

# 2. Sign in; keep the access token in a header file for curl.
cat >"$secrets/auth.json" <<JSON
{"UserPoolId": "$pool", "ClientId": "$client", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
 "AuthParameters": {"USERNAME": "$email", "PASSWORD": "$password"}}
JSON
token=$(aws cognito-idp admin-initiate-auth --cli-input-json "file://$secrets/auth.json" \
  --query AuthenticationResult.AccessToken --output text)
printf 'Authorization: Bearer %s\n' "$token" >"$secrets/header"
unset token password

call() { curl -s -o /dev/null -w '%{http_code}' -H "@$secrets/header" "$1"; }
echo "signed in:   REST $(call "$rest_url")  HTTP API $(call "$http_url")   (expect 200 200)"

# 3. Sign out everywhere with the CLI.
(cd "$repo" && COGNITO_REVOCATION_FUNCTION="$admin_fn" node dist/cli/index.js signout "$email" --reason "try-it.sh")

# 4. The same token, not expired, is now refused.
echo "signed out:  REST $(call "$rest_url")  HTTP API $(call "$http_url")   (expect 401 403)"
