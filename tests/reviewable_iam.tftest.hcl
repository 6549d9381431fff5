# Reviewable IAM: every role policy is known at plan — ARNs are built from partition, region, account and names,
# never read from resources that do not exist yet — so a reviewer or a policy scanner sees each grant before apply;
# and an organisation whose IAM belongs to a central team passes its own roles (create_role = false, role_arn).
# The runs are plans: a policy known only after apply could not be compared and the run would fail.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "every_policy_of_all_five_functions_is_known_at_plan" {
  command = plan

  variables {
    rest_apis                     = { orders = { rest_api_id = "a1b2c3d4e5" } }
    http_apis                     = { catalog = { api_id = "f6g7h8i9j0" } }
    revoke_on                     = ["AdminDisableUser"]
    revocation_sweep_schedule     = "rate(15 minutes)"
    logout                        = { http_apis = { catalog = {} }, rest_apis = { orders = { parent_resource_id = "root12" } } }
    cache_flush_http_api_stages   = { catalog = { api_id = "f6g7h8i9j0", stages = ["$default"] } }
    kms_key_arn                   = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    dead_letter_queue_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = length(compact(values(output.role_policies))) == 5
    error_message = "All five functions have their policy document at plan."
  }

  # Each function's log statement names its own log group, built from its name.
  assert {
    condition = alltrue([for key, name in { authorizer = "authorizer", token_trigger = "token-trigger", admin_signout = "admin-signout", auto_revocation = "auto-revocation", logout = "logout" } :
      jsondecode(output.role_policies[key]).Statement[0] == { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-${name}:*"] }
    ])
    error_message = "Log statements: ${jsonencode(output.role_policies)}"
  }

  assert {
    condition     = [for s in jsondecode(output.role_policies.auto_revocation).Statement : s.Resource if s.Sid == "DeadLetter"] == [["arn:aws:sqs:eu-west-1:123456789012:cognito-revocation-auto-revocation-dlq"]]
    error_message = "The dead-letter statement names the queue by its built ARN."
  }

  # The queue's own resource policy is known at plan too.
  assert {
    condition     = jsondecode(aws_sqs_queue_policy.auto_revocation_dlq[0].policy).Statement[0].Resource == "arn:aws:sqs:eu-west-1:123456789012:cognito-revocation-auto-revocation-dlq"
    error_message = "Queue policy: ${aws_sqs_queue_policy.auto_revocation_dlq[0].policy}"
  }
}

# Roles created by default: checked in tests/defaults.tftest.hcl, in the plan of the module with its defaults.

run "central_team_roles_replace_the_module_roles" {
  command = plan

  variables {
    create_role = { authorizer = false, admin_signout = false }
    role_arn = {
      authorizer    = "arn:aws:iam::123456789012:role/central/revocation-authorizer"
      admin_signout = "arn:aws:iam::123456789012:role/central/revocation-admin"
    }
  }

  assert {
    condition     = !module.function["authorizer"].role_created && !module.function["admin_signout"].role_created && module.token_trigger.role_created
    error_message = "A function given a role_arn gets no role from the module; the others keep theirs."
  }

  assert {
    condition     = output.role_arns.authorizer == "arn:aws:iam::123456789012:role/central/revocation-authorizer" && output.role_arns.admin_signout == "arn:aws:iam::123456789012:role/central/revocation-admin"
    error_message = "role_arns must report the roles the functions run with: ${jsonencode(output.role_arns)}"
  }

  assert {
    condition     = module.function["admin_signout"].role_name == "revocation-admin" && length(module.function["admin_signout"].managed_policy_arns) == 0
    error_message = "Nothing is attached to a role passed in."
  }

  # The document the central team's role must grant is still there, in full.
  assert {
    condition     = [for s in jsondecode(output.role_policies.admin_signout).Statement : s.Sid] == ["WriteOwnLogs", "RevokeAndListSessions", "SignOutUsersOfOnePool"]
    error_message = "Admin policy to grant: ${output.role_policies.admin_signout}"
  }
}

run "refuses_a_role_name_instead_of_an_arn" {
  command = plan

  variables {
    create_role = { admin_signout = false }
    role_arn    = { admin_signout = "revocation-admin" }
  }

  expect_failures = [var.role_arn]
}
