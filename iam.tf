# Least privilege, per function. Every statement names its actions and its resources; there is no `*` action and
# no `*` resource anywhere in this module (modules/function refuses them). Each role also gets
# logs:CreateLogStream + logs:PutLogEvents on its own log group only (modules/function).
# With a customer managed key the roles get kms:Decrypt (reads, environment) and, for writers,
# kms:GenerateDataKey, on that one key only.

locals {
  kms_read = var.kms_key_arn == null ? [] : [{
    sid       = "UseModuleKeyToRead"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }]
  kms_read_write = var.kms_key_arn == null ? [] : [{
    sid       = "UseModuleKeyToReadAndWrite"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }]

  # One Query of the user's rev# range per decision (table layout v2, docs/table-schema.md); nothing else.
  authorizer_policy_statements = concat([{
    sid       = "ReadBlocklist"
    actions   = ["dynamodb:Query"]
    resources = [module.table.arn]
  }], local.kms_read)

  # Records one session per token issuance. Must not depend on the pool (see locals.tf).
  token_trigger_policy_statements = concat([{
    sid       = "RecordSessions"
    actions   = ["dynamodb:PutItem"]
    resources = [module.table.arn]
  }], local.kms_read_write)

  # Conditional revocation writes and audit items (PutItem), signout marks on session records (BatchWriteItem),
  # reading a watermark back (GetItem), a user's revocations, audit items and session records (Query), and the
  # user's sign-out in this one pool: the commands lambdas/adapters/dynamodb/sdk-store.ts and
  # lambdas/adapters/cognito send. tests/least_privilege.tftest.hcl pins the lists exactly; the IAM proof
  # (test/iam/policy-proof.test.ts, docs/iam-proof.md) checks them, and every other function's and door's, against
  # the calls the built bundles make on the local stack.
  admin_signout_policy_statements = concat([
    {
      sid       = "RevokeAndListSessions"
      actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      resources = [module.table.arn]
    },
    {
      sid       = "SignOutUsersOfOnePool"
      actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
      resources = [local.user_pool_arn]
    },
  ], local.cognito_session_statements, local.kms_read_write, local.cache_flush_policy_statements) # automatic_revocation.tf, cache.tf
}
