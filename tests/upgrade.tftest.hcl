# Upgrading from the layout with one module call per function (0.1.x) to `module "function"` with for_each: the
# `moved` blocks in main.tf (functions) and routes.tf (the logout's route) must carry every existing object to its
# new address. The first run applies the old layout (tests/fixtures/layout-0.1.0) with all five functions on; the
# second plans the current module on that same state. An object that was not moved has no prior state: its computed
# attributes (ARNs, ids) would be unknown at plan and every assertion below would fail to evaluate. Names, which
# force a replacement when they change, are compared with the old run's outputs.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = aws_sqs_queue.auto_revocation_dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:cognito-revocation-auto-revocation-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/cognito-revocation-auto-revocation-dlq"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.cognito_calls
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-cognito-calls"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.revocation_sweep
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-revocation-sweep"
  }
}

override_resource {
  target = aws_api_gateway_resource.logout
  values = {
    path = "/logout"
  }
}

variables {
  user_pool_id              = "eu-west-1_AbCdEf123"
  client_ids                = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
  package_dir               = "./dist"
  rest_apis                 = { orders = { rest_api_id = "a1b2c3d4e5" } }
  http_apis                 = { catalog = { api_id = "f6g7h8i9j0" } }
  revoke_on                 = ["AdminDisableUser", "AdminDeleteUser"]
  revocation_sweep_schedule = "rate(15 minutes)"
  logout = {
    http_apis = { catalog = {} }
    rest_apis = { orders = { parent_resource_id = "root12" } }
  }
}

run "old_layout" {
  state_key = "upgrade"

  module {
    source = "./tests/fixtures/layout-0.1.0"
  }

  override_resource {
    target = module.authorizer.aws_lambda_function.this
    values = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-authorizer"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-authorizer/invocations"
    }
  }

  override_resource {
    target = module.authorizer.aws_cloudwatch_log_group.this
    values = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-authorizer"
    }
  }

  override_resource {
    target = module.token_trigger.aws_lambda_function.this
    values = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-token-trigger"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-token-trigger/invocations"
    }
  }

  override_resource {
    target = module.token_trigger.aws_cloudwatch_log_group.this
    values = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-token-trigger"
    }
  }

  override_resource {
    target = module.admin_signout.aws_lambda_function.this
    values = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-admin-signout"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-admin-signout/invocations"
    }
  }

  override_resource {
    target = module.admin_signout.aws_cloudwatch_log_group.this
    values = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-admin-signout"
    }
  }

  override_resource {
    target = module.auto_revocation[0].aws_lambda_function.this
    values = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-auto-revocation"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-auto-revocation/invocations"
    }
  }

  override_resource {
    target = module.auto_revocation[0].aws_cloudwatch_log_group.this
    values = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-auto-revocation"
    }
  }

  override_resource {
    target = module.logout[0].aws_lambda_function.this
    values = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-logout"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-logout/invocations"
    }
  }

  override_resource {
    target = module.logout[0].aws_cloudwatch_log_group.this
    values = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-logout"
    }
  }
}

run "current_layout_moves_everything" {
  command   = plan
  state_key = "upgrade"

  assert {
    condition     = module.function["authorizer"].function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-authorizer" && module.function["authorizer"].log_group_arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-authorizer" && module.function["authorizer"].role_arn == "arn:aws:iam::123456789012:role/mocked"
    error_message = "authorizer: the function, its log group and role must be the objects of the old layout (moved or kept), not new ones."
  }

  assert {
    condition     = module.token_trigger.function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-token-trigger" && module.token_trigger.log_group_arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-token-trigger" && module.token_trigger.role_arn == "arn:aws:iam::123456789012:role/mocked"
    error_message = "token_trigger: the function, its log group and role must be the objects of the old layout (moved or kept), not new ones."
  }

  assert {
    condition     = module.function["admin_signout"].function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-admin-signout" && module.function["admin_signout"].log_group_arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-admin-signout" && module.function["admin_signout"].role_arn == "arn:aws:iam::123456789012:role/mocked"
    error_message = "admin_signout: the function, its log group and role must be the objects of the old layout (moved or kept), not new ones."
  }

  assert {
    condition     = module.function["auto_revocation"].function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-auto-revocation" && module.function["auto_revocation"].log_group_arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-auto-revocation" && module.function["auto_revocation"].role_arn == "arn:aws:iam::123456789012:role/mocked"
    error_message = "auto_revocation: the function, its log group and role must be the objects of the old layout (moved or kept), not new ones."
  }

  assert {
    condition     = module.function["logout"].function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-logout" && module.function["logout"].log_group_arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-logout" && module.function["logout"].role_arn == "arn:aws:iam::123456789012:role/mocked"
    error_message = "logout: the function, its log group and role must be the objects of the old layout (moved or kept), not new ones."
  }

  assert {
    condition = jsonencode(output.function_names) == jsonencode({
      authorizer      = run.old_layout.authorizer_function_name
      token_trigger   = run.old_layout.token_trigger_function_name
      admin_signout   = run.old_layout.admin_signout_function_name
      auto_revocation = run.old_layout.automatic_revocation.function_name
      logout          = run.old_layout.logout.function_name
    })
    error_message = "Function names changed (a replacement): ${jsonencode(output.function_names)}"
  }

  assert {
    condition     = jsonencode({ for k in ["authorizer", "token_trigger", "admin_signout"] : k => output.log_group_names[k] }) == jsonencode(run.old_layout.log_group_names)
    error_message = "Log group names changed (a replacement)."
  }

  assert {
    condition     = { for k, p in module.function["logout"].permissions : k => p.source_arn } == { for k, p in run.old_layout.logout.permissions : k => p.source_arn }
    error_message = "The logout's invoke permissions changed."
  }

  assert {
    condition     = output.logout.http_api_routes == run.old_layout.logout.http_api_routes && output.logout.rest_api_resource == run.old_layout.logout.rest_api_resource
    error_message = "The logout's route and REST resource must be the objects of the old layout (moved into modules/route), not new ones."
  }
}

# Upgrading from the layout in which each opt-in door was its own module call (`count`) and each route its file's
# own resources: the `moved` blocks in main.tf (doors) and routes.tf (routes) carry them to module.function["<door>"]
# and module.route["<door>"]. Same method as above: the first run applies tests/fixtures/layout-door-calls with the
# four doors and the logout on, the second plans the current module on that state; an object that was not moved
# would be planned anew, with unknown ids and ARNs.
run "layout_with_door_calls" {
  state_key = "doors"

  module {
    source = "./tests/fixtures/layout-door-calls"
  }

  variables {
    revoke_on                 = []
    revocation_sweep_schedule = null
    introspection             = { caller_client_ids = ["m2mcaller0123456789abcdefg"] }
    token_revocation          = { caller_client_ids = ["m2mcaller0123456789abcdefg"] }
    shared_signals = {
      issuer    = "https://example.okta.com"
      audience  = ["https://api.example.com/ssf"]
      http_apis = { catalog = {} }
      rest_apis = { orders = { parent_resource_id = "root12" } }
    }
    global_token_revocation = {
      issuer    = "https://example.okta.com"
      audience  = ["https://api.example.com/gtr"]
      scope     = "global_token_revocation"
      http_apis = { catalog = {} }
      rest_apis = { orders = { parent_resource_id = "root12" } }
    }
  }

  # Under the API's root the resource's path is /<path_part>, which the previous layout's permissions named.
  override_resource {
    target = aws_api_gateway_resource.shared_signals
    values = {
      path = "/ssf-events"
    }
  }

  override_resource {
    target = aws_api_gateway_resource.global_token_revocation
    values = {
      path = "/global-token-revocation"
    }
  }
}

run "doors_and_routes_move_without_replacement" {
  command   = plan
  state_key = "doors"

  variables {
    revoke_on                 = []
    revocation_sweep_schedule = null
    introspection             = { caller_client_ids = ["m2mcaller0123456789abcdefg"] }
    token_revocation          = { caller_client_ids = ["m2mcaller0123456789abcdefg"] }
    shared_signals = {
      issuer    = "https://example.okta.com"
      audience  = ["https://api.example.com/ssf"]
      http_apis = { catalog = {} }
      rest_apis = { orders = { parent_resource_id = "root12" } }
    }
    global_token_revocation = {
      issuer    = "https://example.okta.com"
      audience  = ["https://api.example.com/gtr"]
      scope     = "global_token_revocation"
      http_apis = { catalog = {} }
      rest_apis = { orders = { parent_resource_id = "root12" } }
    }
  }

  # The log group's ARN of the previous layout is the one its policy named (WriteOwnLogs, the first statement).
  assert {
    condition = alltrue([for door in ["introspection", "token_revocation", "shared_signals", "global_token_revocation"] :
      module.function[door].function_arn == run.layout_with_door_calls[door].function_arn &&
      "${module.function[door].log_group_arn}:*" == jsondecode(run.layout_with_door_calls[door].role_policy).Statement[0].Resource[0] &&
      module.function[door].role_arn == "arn:aws:iam::123456789012:role/mocked"
    ])
    error_message = "Each door's function, log group and role must be the objects of the previous layout (moved), not new ones."
  }

  assert {
    condition     = output.introspection.url == run.layout_with_door_calls.introspection.url && output.token_revocation.url == run.layout_with_door_calls.token_revocation.url
    error_message = "The function URLs must be those of the previous layout (kept), not new ones."
  }

  assert {
    condition = alltrue([for door, now in { logout = output.logout, shared_signals = output.shared_signals, global_token_revocation = output.global_token_revocation } :
      now.http_api_routes == run.layout_with_door_calls[door].http_api_routes &&
      now.rest_api_resource == run.layout_with_door_calls[door].rest_api_resource &&
      { for k, p in module.function[door].permissions : k => p.source_arn } == { for k, p in run.layout_with_door_calls[door].permissions : k => p.source_arn }
    ])
    error_message = "Each route, REST resource and invoke permission must be those of the previous layout (moved into modules/route), not new ones."
  }

  assert {
    condition     = jsonencode(output.function_names) == jsonencode(run.layout_with_door_calls.function_names) && jsonencode(output.role_arns) == jsonencode(run.layout_with_door_calls.role_arns) && jsonencode(output.log_group_names) == jsonencode(run.layout_with_door_calls.log_group_names)
    error_message = "The per-function outputs keep their keys and values: ${jsonencode(output.function_names)}"
  }
}
