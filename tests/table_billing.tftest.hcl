# The blocklist table's capacity mode: on-demand by default; PROVISIONED adds target-tracking auto scaling on both
# dimensions and nothing else — no function gains a permission. The PROVISIONED-with-replicas refusal is a
# precondition of modules/table's table; its suite (tests/module_table.tftest.hcl) covers it (expect_failures cannot
# name a child module's resource).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "on_demand_by_default" {
  command = apply

  assert {
    condition     = module.table.billing_mode == "PAY_PER_REQUEST" && module.table.autoscaling_policy_arns == {}
    error_message = "Default: an on-demand table without auto scaling (billing ${module.table.billing_mode})."
  }
}

run "provisioned_scales_both_dimensions" {
  command = apply

  variables {
    table_billing_mode = "PROVISIONED"
    table_provisioned_capacity = {
      read_min_capacity       = 20
      read_max_capacity       = 3000
      read_target_utilization = 70
    }
  }

  assert {
    condition     = module.table.billing_mode == "PROVISIONED" && toset(keys(module.table.autoscaling_policy_arns)) == toset(["read", "write"])
    error_message = "PROVISIONED: one scaling policy per dimension (${jsonencode(keys(module.table.autoscaling_policy_arns))})."
  }

  # Least privilege: the capacity mode is the table's business; the functions' roles are exactly the on-demand ones.
  assert {
    condition     = output.role_policies == run.on_demand_by_default.role_policies
    error_message = "A function's policy changed with the billing mode."
  }

  assert {
    condition     = output.table_name == run.on_demand_by_default.table_name && output.table_arn == run.on_demand_by_default.table_arn
    error_message = "The billing mode must not rename or move the table."
  }
}

run "provisioned_on_an_instance_that_uses_another_table" {
  command = plan

  variables {
    table_billing_mode  = "PROVISIONED"
    existing_table_name = "cognito-revocation-blocklist"
  }

  assert {
    condition     = module.table.autoscaling_policy_arns == {} && module.table.billing_mode == null
    error_message = "With existing_table_name the other instance owns the table and its capacity."
  }
}

run "unknown_billing_mode" {
  command = plan
  variables {
    table_billing_mode = "ON_DEMAND"
  }
  expect_failures = [var.table_billing_mode]
}

run "capacity_maximum_below_minimum" {
  command = plan
  variables {
    table_provisioned_capacity = { write_min_capacity = 50, write_max_capacity = 10 }
  }
  expect_failures = [var.table_provisioned_capacity]
}

run "capacity_minimum_zero" {
  command = plan
  variables {
    table_provisioned_capacity = { read_min_capacity = 0 }
  }
  expect_failures = [var.table_provisioned_capacity]
}

run "capacity_fractional" {
  command = plan
  variables {
    table_provisioned_capacity = { write_max_capacity = 99.5 }
  }
  expect_failures = [var.table_provisioned_capacity]
}

run "target_utilization_below_20" {
  command = plan
  variables {
    table_provisioned_capacity = { write_target_utilization = 19.9 }
  }
  expect_failures = [var.table_provisioned_capacity]
}

run "target_utilization_above_90" {
  command = plan
  variables {
    table_provisioned_capacity = { read_target_utilization = 90.1 }
  }
  expect_failures = [var.table_provisioned_capacity]
}
