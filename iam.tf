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

  policy_statements = {
    # One BatchGetItem (or GetItem) per decision; nothing else.
    authorizer = concat([{
      sid       = "ReadBlocklist"
      actions   = ["dynamodb:BatchGetItem", "dynamodb:GetItem"]
      resources = [module.table.arn]
    }], local.kms_read)

    # Records one session per token issuance.
    token_trigger = concat([{
      sid       = "RecordSessions"
      actions   = ["dynamodb:PutItem"]
      resources = [module.table.arn]
    }], local.kms_read_write)

    # Watermarks and session/token revocations (writes), a user's session records (Query), and the user's
    # sign-out in this one pool.
    admin_signout = concat([
      {
        sid       = "RevokeAndListSessions"
        actions   = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
        resources = [module.table.arn]
      },
      {
        sid       = "SignOutUsersOfOnePool"
        actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
        resources = [local.user_pool_arn]
      },
    ], local.kms_read_write)
  }
}
