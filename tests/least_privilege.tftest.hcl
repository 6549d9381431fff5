# Each role's exact actions and resources. No `*` action, no `*` resource: every statement names
# the table, the pool, the key or the function's own log group.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "roles_without_a_key_or_flush_stages" {
  command = apply

  assert {
    condition = jsondecode(output.role_policies.authorizer) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-authorizer:*"]
        },
        {
          Sid      = "ReadBlocklist"
          Effect   = "Allow"
          Action   = ["dynamodb:Query"]
          Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"]
        },
      ]
    }))
    error_message = "Authorizer policy: ${output.role_policies.authorizer}"
  }

  assert {
    condition = jsondecode(output.role_policies.token_trigger) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-token-trigger:*"]
        },
        {
          Sid      = "RecordSessions"
          Effect   = "Allow"
          Action   = ["dynamodb:PutItem"]
          Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"]
        },
      ]
    }))
    error_message = "Token trigger policy: ${output.role_policies.token_trigger}"
  }

  assert {
    condition = jsondecode(output.role_policies.admin_signout) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-admin-signout:*"]
        },
        {
          Sid      = "RevokeAndListSessions"
          Effect   = "Allow"
          Action   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
          Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"]
        },
        {
          Sid      = "SignOutUsersOfOnePool"
          Effect   = "Allow"
          Action   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
          Resource = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"]
        },
      ]
    }))
    error_message = "Admin signout policy: ${output.role_policies.admin_signout}"
  }

  assert {
    condition = alltrue(flatten([
      for p in compact(values(output.role_policies)) : [
        for s in jsondecode(p).Statement : [
          s.Effect == "Allow",
          alltrue([for a in s.Action : !strcontains(a, "*")]),
          alltrue([for r in s.Resource : r != "*" && !startswith(r, "arn:aws:dynamodb:eu-west-1:123456789012:table/*")]),
        ]
      ]
    ]))
    error_message = "A role grants a wildcard action or resource."
  }

  # No stages listed: no flush grant (formerly run "no_flush_grant_without_stages")
  assert {
    condition     = length([for s in jsondecode(output.role_policies.admin_signout).Statement : s if s.Sid == "FlushAuthorizerCachesOfListedStages"]) == 0
    error_message = "No stages listed: no apigateway grant."
  }
}

run "roles_with_a_customer_managed_key_get_only_that_key" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = (
      jsonencode([for s in jsondecode(output.role_policies.authorizer).Statement : s if startswith(s.Sid, "UseModuleKey")]) ==
      jsonencode([{ Action = ["kms:Decrypt"], Effect = "Allow", Resource = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"], Sid = "UseModuleKeyToRead" }])
    )
    error_message = "The authorizer reads only: kms:Decrypt on the module key."
  }

  assert {
    condition = alltrue([for f in ["token_trigger", "admin_signout"] :
      jsonencode([for s in jsondecode(output.role_policies[f]).Statement : s if startswith(s.Sid, "UseModuleKey")]) ==
      jsonencode([{ Action = ["kms:Decrypt", "kms:GenerateDataKey"], Effect = "Allow", Resource = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"], Sid = "UseModuleKeyToReadAndWrite" }])
    ])
    error_message = "Writers get kms:Decrypt and kms:GenerateDataKey on the module key only."
  }
}

# The admin function flushes API Gateway's authorizer cache of exactly the listed stages — apigateway:DELETE
# on each stage's `cache/authorizers` resource, never the stage itself (DELETE on the stage deletes it), no wildcard.
run "cache_flush_grants_exactly_the_listed_stage_caches" {
  command = apply

  variables {
    cache_flush_rest_api_stages = {
      main = { rest_api_id = "a1b2c3d4e5", stages = ["prod", "staging"] }
    }
    cache_flush_http_api_stages = {
      api = { api_id = "f6g7h8i9j0", stages = ["$default"] }
    }
  }

  assert {
    condition = (
      jsonencode([for s in jsondecode(output.role_policies.admin_signout).Statement : s if s.Sid == "FlushAuthorizerCachesOfListedStages"]) ==
      jsonencode([{
        Action = ["apigateway:DELETE"]
        Effect = "Allow"
        Resource = [
          "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod/cache/authorizers",
          "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/staging/cache/authorizers",
          "arn:aws:apigateway:eu-west-1::/apis/f6g7h8i9j0/stages/$default/cache/authorizers",
        ]
        Sid = "FlushAuthorizerCachesOfListedStages"
      }])
    )
    error_message = "Admin flush grant: ${output.role_policies.admin_signout}"
  }

  assert {
    condition     = module.function["admin_signout"].environment["CACHE_FLUSH_TARGETS"] == "[{\"api\":\"rest\",\"apiId\":\"a1b2c3d4e5\",\"stage\":\"prod\"},{\"api\":\"rest\",\"apiId\":\"a1b2c3d4e5\",\"stage\":\"staging\"},{\"api\":\"http\",\"apiId\":\"f6g7h8i9j0\",\"stage\":\"$default\"}]"
    error_message = "CACHE_FLUSH_TARGETS: ${module.function["admin_signout"].environment["CACHE_FLUSH_TARGETS"]}"
  }

  assert {
    condition = alltrue([for f in ["authorizer", "token_trigger"] :
      length([for s in jsondecode(output.role_policies[f]).Statement : s if anytrue([for a in s.Action : startswith(a, "apigateway:")])]) == 0
    ])
    error_message = "Only the admin function may flush caches."
  }
}
