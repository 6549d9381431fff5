# modules/table, tested from the root: every run's module block plans modules/table itself (one `terraform test`
# process for the root and its parts: each process pays ~3 s of CPU before its first run, docs/testing.md).
# The blocklist table's plan: key schema, TTL, encryption, PITR, deletion protection, replicas, capacity mode.

mock_provider "aws" {}

variables {
  name = "test-blocklist"
}

run "defaults_on_demand_without_scaling" {
  module {
    source = "./modules/table"
  }

  command = plan

  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this[0].hash_key == "pk" && aws_dynamodb_table.this[0].range_key == "sk"
    error_message = "The table is on-demand with hash key pk and range key sk (lambdas/adapters/dynamodb/schema.ts)."
  }

  assert {
    condition     = toset([for a in aws_dynamodb_table.this[0].attribute : "${a.name}:${a.type}"]) == toset(["pk:S", "sk:S"])
    error_message = "pk and sk are strings; no other attribute is declared."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].ttl[0].enabled && aws_dynamodb_table.this[0].ttl[0].attribute_name == "expiresAt"
    error_message = "TTL must be enabled on expiresAt."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled == false
    error_message = "Without a key the table uses the AWS owned key."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.this[0].deletion_protection_enabled
    error_message = "PITR and deletion protection default to on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].stream_enabled == false && length(aws_dynamodb_table.this[0].replica) == 0
    error_message = "No stream and no replica without replicas."
  }

  # On-demand capacity: no scaling (formerly run "on_demand_creates_no_scaling")
  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" && length(aws_appautoscaling_target.this) == 0 && length(aws_appautoscaling_policy.this) == 0 && output.autoscaling_policy_arns == {}
    error_message = "On-demand: no scalable targets, no policies."
  }
}

run "customer_managed_key_and_replicas" {
  module {
    source = "./modules/table"
  }

  command = plan

  variables {
    kms_key_arn                    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    point_in_time_recovery_enabled = false
    deletion_protection_enabled    = false
    replicas = [
      { region_name = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/66666666-7777-8888-9999-000000000000" },
      { region_name = "us-east-1", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/77777777-7777-8888-9999-000000000000" },
    ]
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled && aws_dynamodb_table.this[0].server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The customer managed key must encrypt the table."
  }

  assert {
    condition     = !aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled && !aws_dynamodb_table.this[0].deletion_protection_enabled
    error_message = "PITR and deletion protection follow their inputs."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].stream_enabled && aws_dynamodb_table.this[0].stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "Replicas need a NEW_AND_OLD_IMAGES stream."
  }

  assert {
    condition     = toset([for r in aws_dynamodb_table.this[0].replica : r.region_name]) == toset(["eu-central-1", "us-east-1"])
    error_message = "One replica per listed region."
  }
}

run "replica_listed_twice" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    replicas = [{ region_name = "us-east-1" }, { region_name = "us-east-1" }]
  }
  expect_failures = [var.replicas]
}

run "table_name_with_spaces" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    name = "my blocklist"
  }
  expect_failures = [var.name]
}

run "customer_managed_key_without_a_key_for_a_replica" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    replicas    = [{ region_name = "us-east-1" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "replica_key_from_another_region" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    replicas    = [{ region_name = "us-east-1", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "replica_in_the_table_region" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    region   = "eu-west-1"
    replicas = [{ region_name = "eu-west-1" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "replicas_without_keys_on_an_aws_owned_key_table" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    region   = "eu-west-1"
    replicas = [{ region_name = "us-east-1" }]
  }
  assert {
    condition     = length(aws_dynamodb_table.this[0].replica) == 1
    error_message = "Without a customer managed key, replicas need no key."
  }
}

run "create_false_creates_no_table" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    create = false
  }
  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && output.arn == null && output.name == null
    error_message = "create = false: no table, null outputs."
  }
}

run "arn_known_at_plan_from_region_and_account" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    create     = false
    name       = "cognito-revocation-blocklist"
    region     = "us-east-1"
    account_id = "123456789012"
  }
  assert {
    condition     = output.arn == "arn:aws:dynamodb:us-east-1:123456789012:table/cognito-revocation-blocklist"
    error_message = "With region and account the ARN is known at plan, also for a replica created elsewhere."
  }
}

# Capacity modes: on-demand (default) creates no scaling (asserted in the defaults run above); PROVISIONED starts at
# the minimum and scales by target tracking on both dimensions.

run "provisioned_with_defaults" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    billing_mode = "PROVISIONED"
  }
  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PROVISIONED" && aws_dynamodb_table.this[0].read_capacity == 5 && aws_dynamodb_table.this[0].write_capacity == 5
    error_message = "PROVISIONED starts at the auto scaling minimum (default 5 read, 5 write)."
  }
  assert {
    condition     = aws_appautoscaling_target.this["read"].resource_id == "table/test-blocklist" && aws_appautoscaling_target.this["read"].scalable_dimension == "dynamodb:table:ReadCapacityUnits" && aws_appautoscaling_target.this["read"].service_namespace == "dynamodb"
    error_message = "The read target is the table's read capacity."
  }
  assert {
    condition     = aws_appautoscaling_target.this["write"].scalable_dimension == "dynamodb:table:WriteCapacityUnits" && aws_appautoscaling_target.this["write"].min_capacity == 5 && aws_appautoscaling_target.this["write"].max_capacity == 1000
    error_message = "The write target spans the default range 5–1000."
  }
  assert {
    condition = alltrue([for k, m in { read = "DynamoDBReadCapacityUtilization", write = "DynamoDBWriteCapacityUtilization" } :
      aws_appautoscaling_policy.this[k].policy_type == "TargetTrackingScaling" &&
      aws_appautoscaling_policy.this[k].target_tracking_scaling_policy_configuration[0].target_value == 70 &&
      aws_appautoscaling_policy.this[k].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == m
    ])
    error_message = "One target-tracking policy per dimension, on the DynamoDB utilisation metric, target 70 %."
  }
}

run "provisioned_with_stated_capacity" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    billing_mode = "PROVISIONED"
    provisioned_capacity = {
      read_min_capacity       = 50
      read_max_capacity       = 4000
      read_target_utilization = 80
      write_min_capacity      = 10
    }
    tags = { team = "identity" }
  }
  assert {
    condition     = aws_dynamodb_table.this[0].read_capacity == 50 && aws_appautoscaling_target.this["read"].max_capacity == 4000 && aws_appautoscaling_policy.this["read"].target_tracking_scaling_policy_configuration[0].target_value == 80
    error_message = "The read range and target follow the input."
  }
  assert {
    condition     = aws_dynamodb_table.this[0].write_capacity == 10 && aws_appautoscaling_target.this["write"].max_capacity == 1000 && aws_appautoscaling_policy.this["write"].target_tracking_scaling_policy_configuration[0].target_value == 70
    error_message = "Write attributes not given keep their defaults."
  }
  assert {
    condition     = aws_appautoscaling_target.this["read"].tags == tomap({ team = "identity" }) && aws_appautoscaling_target.this["write"].tags == tomap({ team = "identity" })
    error_message = "The scalable targets carry the table's tags."
  }
}

run "provisioned_but_not_created" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    create       = false
    billing_mode = "PROVISIONED"
  }
  assert {
    condition     = length(aws_appautoscaling_target.this) == 0 && output.autoscaling_policy_arns == {} && output.billing_mode == null
    error_message = "create = false: no scaling for a table another instance owns."
  }
}

run "provisioned_with_replicas" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    billing_mode = "PROVISIONED"
    replicas     = [{ region_name = "us-east-1" }]
  }
  expect_failures = [aws_dynamodb_table.this]
}

run "unknown_billing_mode" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    billing_mode = "ON_DEMAND"
  }
  expect_failures = [var.billing_mode]
}

run "capacity_maximum_below_minimum" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    provisioned_capacity = { read_min_capacity = 10, read_max_capacity = 5 }
  }
  expect_failures = [var.provisioned_capacity]
}

run "capacity_minimum_zero" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    provisioned_capacity = { write_min_capacity = 0 }
  }
  expect_failures = [var.provisioned_capacity]
}

run "capacity_fractional" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    provisioned_capacity = { read_max_capacity = 10.5 }
  }
  expect_failures = [var.provisioned_capacity]
}

run "target_utilization_below_20" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    provisioned_capacity = { read_target_utilization = 19 }
  }
  expect_failures = [var.provisioned_capacity]
}

run "target_utilization_above_90" {
  module {
    source = "./modules/table"
  }

  command = plan
  variables {
    provisioned_capacity = { write_target_utilization = 91 }
  }
  expect_failures = [var.provisioned_capacity]
}
