# The settings platform teams expect (terraform-aws-lambda's names), the plan-time region check, `create`, and the
# inputs of a multi-region deployment, against the mocked provider (region eu-west-1, account 123456789012).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "enterprise_settings_reach_every_function" {
  command = plan

  variables {
    role_path                  = "/service/"
    role_permissions_boundary  = "arn:aws:iam::123456789012:policy/platform-boundary"
    tracing_mode               = "Active"
    vpc_subnet_ids             = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    vpc_security_group_ids     = ["sg-0123456789abcdef0"]
    cloudwatch_logs_kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    reserved_concurrent_executions = {
      authorizer    = 200
      token_trigger = 100
    }
  }

  assert {
    condition = alltrue([for r in [module.function["authorizer"], module.token_trigger, module.function["admin_signout"]] :
      length(r.managed_policy_arns) == 2 &&
      r.managed_policy_arns["vpc"] == "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess" &&
      r.managed_policy_arns["tracing"] == "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    ])
    error_message = "VPC and tracing attach their AWS managed policies to each role, and nothing else."
  }

  assert {
    condition     = module.function["authorizer"].role_name == "cognito-revocation-authorizer-eu-west-1" && module.token_trigger.role_name == "cognito-revocation-token-trigger-eu-west-1" && module.function["admin_signout"].role_name == "cognito-revocation-admin-signout-eu-west-1"
    error_message = "Role names carry the region (IAM names are global; one instance per region must not clash)."
  }
}

# The optional functions (automatic revocation, logout) are switched on separately; they get the same settings.
run "enterprise_settings_reach_the_optional_functions" {
  command = plan

  variables {
    revoke_on                  = ["AdminDisableUser"]
    http_apis                  = { catalog = { api_id = "f6g7h8i9j0" } }
    logout                     = { http_apis = { catalog = {} } }
    role_path                  = "/service/"
    role_permissions_boundary  = "arn:aws:iam::123456789012:policy/platform-boundary"
    tracing_mode               = "Active"
    vpc_subnet_ids             = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids     = ["sg-0123456789abcdef0"]
    cloudwatch_logs_kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    reserved_concurrent_executions = {
      auto_revocation = 2
      logout          = 50
    }
    memory_size     = { logout = 512 }
    timeout_seconds = { auto_revocation = 300 }
  }

  assert {
    condition = alltrue([for r in [module.function["auto_revocation"], module.function["logout"]] :
      length(r.managed_policy_arns) == 2 &&
      r.managed_policy_arns["vpc"] == "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess" &&
      r.managed_policy_arns["tracing"] == "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    ])
    error_message = "VPC and tracing attach their AWS managed policies to the auto-revocation and logout roles too."
  }

  assert {
    condition     = module.function["auto_revocation"].role_name == "cognito-revocation-auto-revocation-eu-west-1" && module.function["logout"].role_name == "cognito-revocation-logout-eu-west-1"
    error_message = "The auto-revocation and logout role names carry the region too."
  }
}

run "enterprise_settings_in_the_resources" {
  command = apply

  variables {
    role_path                  = "/service/"
    role_permissions_boundary  = "arn:aws:iam::123456789012:policy/platform-boundary"
    tracing_mode               = "PassThrough"
    vpc_subnet_ids             = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids     = ["sg-0123456789abcdef0"]
    cloudwatch_logs_kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    reserved_concurrent_executions = {
      token_trigger = 100
    }
  }

  # Resources of the child modules are read through their outputs; the function module's own suite
  # (tests/module_function.tftest.hcl) checks each argument on the resource itself.
  assert {
    condition     = module.function["authorizer"].log_group_name == "/aws/lambda/cognito-revocation-authorizer" && output.module_version != null
    error_message = "The functions plan with every setting."
  }
}

run "log_groups_fall_back_to_the_module_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = local.logs_kms_key_id == var.kms_key_arn
    error_message = "Without cloudwatch_logs_kms_key_id the log groups keep using kms_key_arn."
  }
}

run "pool_in_another_region_than_the_provider" {
  command = plan
  variables {
    user_pool_id = "us-east-1_AbCdEf123"
  }
  expect_failures = [output.user_pool_arn]
}

run "create_false_creates_nothing" {
  command = apply
  variables {
    create    = false
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5" } }
  }
  assert {
    condition     = output.authorizer_function_arn == null && output.table_arn == null && length(output.role_arns) == 0 && length(output.rest_api_authorizer_ids) == 0 && output.admin_invoke_policy_json == null && output.pre_token_generation_config == null
    error_message = "create = false: every output is null or empty."
  }
}

run "create_false_creates_nothing_of_the_optional_functions" {
  command = apply
  variables {
    create                    = false
    revoke_on                 = ["AdminDisableUser"]
    revocation_sweep_schedule = "rate(15 minutes)"
    http_apis                 = { catalog = { api_id = "f6g7h8i9j0" } }
    logout                    = { http_apis = { catalog = {} } }
  }
  assert {
    condition     = output.automatic_revocation == null && output.logout == null && !contains(keys(module.function), "auto_revocation") && !contains(keys(module.function), "logout") && length(aws_sqs_queue.auto_revocation_dlq) == 0 && length(aws_cloudwatch_event_rule.revocation_sweep) == 0 && length(module.route["logout"].http_api_routes) == 0
    error_message = "create = false: automatic revocation and logout create nothing either."
  }
}

run "second_region_instance_reads_the_global_table" {
  command = apply
  variables {
    # This instance runs in eu-west-1 (mocked provider), protecting that region's APIs with tokens of a pool in
    # us-east-1 whose module instance owns the global table.
    user_pool_id        = "us-east-1_AbCdEf123"
    existing_table_name = "cognito-revocation-blocklist"
    name_prefix         = "cognito-revocation"
  }
  assert {
    condition     = output.table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist" && output.table_name == "cognito-revocation-blocklist"
    error_message = "The table is the local replica of the existing global table."
  }
  assert {
    condition     = module.function["authorizer"].environment["TABLE_NAME"] == "cognito-revocation-blocklist" && module.function["authorizer"].environment["USER_POOL_ID"] == "us-east-1_AbCdEf123"
    error_message = "The authorizer reads the local replica and verifies the pool's tokens."
  }
  assert {
    condition     = jsondecode(module.function["authorizer"].policy_json).Statement[1].Resource == ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"]
    error_message = "The authorizer may read the local replica only."
  }
}

# Replica checks (a key per replica with a customer key, no replica in the table's own region) are preconditions
# of modules/table's table; its suite (tests/module_table.tftest.hcl) covers them (expect_failures cannot name a
# child module's resource).

# Bad inputs, one per variable, in one plan: no validation of the root variables reads another variable, so each
# fails on its own and Terraform fails the run if any listed variable does not (tests/validation.tftest.hcl).
run "bad_enterprise_inputs" {
  command = plan
  variables {
    reserved_concurrent_executions = { token_trigger = 0 } # reserved_concurrency_zero_for_the_trigger
    timeout_seconds                = { logout = 60 }       # logout_timeout_beyond_api_gateway
    role_permissions_boundary      = "platform-boundary"   # permissions_boundary_by_name
    role_path                      = "service"             # role_path_without_slashes
    tracing_mode                   = "On"                  # unknown_tracing_mode
    vpc_subnet_ids                 = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids         = ["default"]  # security_group_name_instead_of_id
    cloudwatch_logs_kms_key_id     = "alias/logs" # logs_key_alias
  }
  expect_failures = [
    var.reserved_concurrent_executions,
    var.timeout_seconds,
    var.role_permissions_boundary,
    var.role_path,
    var.tracing_mode,
    var.vpc_security_group_ids,
    var.cloudwatch_logs_kms_key_id,
  ]
}
