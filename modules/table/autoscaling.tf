# Provisioned capacity, scaled by Application Auto Scaling with a target-tracking policy per dimension (the
# DynamoDB-predefined utilisation metrics). Nothing here is created on-demand or with `create = false`.
# Registering a target creates (once per account) the service-linked role
# AWSServiceRoleForApplicationAutoScaling_DynamoDBTable; the functions' roles gain nothing.

locals {
  provisioned = var.create && var.billing_mode == "PROVISIONED"

  scaled_dimensions = local.provisioned ? {
    read = {
      dimension = "dynamodb:table:ReadCapacityUnits"
      metric    = "DynamoDBReadCapacityUtilization"
      min       = var.provisioned_capacity.read_min_capacity
      max       = var.provisioned_capacity.read_max_capacity
      target    = var.provisioned_capacity.read_target_utilization
    }
    write = {
      dimension = "dynamodb:table:WriteCapacityUnits"
      metric    = "DynamoDBWriteCapacityUtilization"
      min       = var.provisioned_capacity.write_min_capacity
      max       = var.provisioned_capacity.write_max_capacity
      target    = var.provisioned_capacity.write_target_utilization
    }
  } : {}
}

resource "aws_appautoscaling_target" "this" {
  for_each = local.scaled_dimensions

  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.this[0].name}"
  scalable_dimension = each.value.dimension
  min_capacity       = each.value.min
  max_capacity       = each.value.max
  # Scalable targets take tags since provider 4.66 (below the module's floor); scaling policies take none.
  tags = var.tags
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.scaled_dimensions

  name               = "${each.value.metric}:${aws_appautoscaling_target.this[each.key].resource_id}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = each.value.metric
    }
    target_value = each.value.target
  }
}
