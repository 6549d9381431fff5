variable "create" {
  description = "Create the function and everything that belongs to it. `false` creates nothing (outputs are null)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Function name; also names its role, inline policy and log group (`/aws/lambda/<name>`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1–64 letters, digits, `-` or `_` (Lambda function name rules)."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
  nullable    = false
}

variable "package_file" {
  description = "Path of the deployment zip built by `npm run build` (e.g. `dist/authorizer.zip`). Read at plan time for its content hash. Ignored when `s3_existing_package` is set."
  type        = string

  validation {
    condition     = endswith(var.package_file, ".zip")
    error_message = "package_file must be the path of a .zip file built by `npm run build`."
  }
}

variable "handler" {
  description = "Handler entry point inside the zip."
  type        = string
  default     = "index.handler"
  nullable    = false
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "nodejs22.x"
  nullable    = false

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x"], var.runtime)
    error_message = "runtime must be nodejs22.x or nodejs20.x: the runtimes AWS provider 5.77 (the module's floor) accepts."
  }
}

variable "architecture" {
  description = "Instruction set architecture: `arm64` or `x86_64`."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "memory_size" {
  description = "Memory in MB (128–10240)."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1–900)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "environment" {
  description = "Environment variables of the function (the contract in lambdas/config/contract.ts)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "policy_statements" {
  description = "Statements of the role's inline policy besides the log statement. Each names its actions and resources; wildcards are refused."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "policy_statements must name every action: no `*` in an action."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : length(s.actions) > 0 && length(s.resources) > 0 && !contains(s.resources, "*")])
    error_message = "Each policy statement needs at least one action and one resource, and `*` is not a resource: name the table, pool or key."
  }
}

variable "allowed_triggers" {
  description = "Services allowed to invoke the function, keyed by a statement id: principal (e.g. `cognito-idp.amazonaws.com`) and the exact source ARN."
  type = map(object({
    principal  = string
    source_arn = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, t in var.allowed_triggers : can(regex("^[A-Za-z0-9_-]{1,100}$", k)) && endswith(t.principal, ".amazonaws.com") && startswith(t.source_arn, "arn:")])
    error_message = "allowed_triggers keys must be 1–100 letters, digits, `-` or `_`; principal a service (`*.amazonaws.com`); source_arn an ARN."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group in days (a CloudWatch Logs allowed value; 0 keeps logs forever)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key ARN for the environment variables; `null` uses the AWS owned key. The log group's key is `cloudwatch_logs_kms_key_id`."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "tags" {
  description = "Tags for every resource of the function."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "s3_existing_package" {
  description = "Deploy the code from an S3 object instead of `package_file`: `bucket`, `key` and optional `version_id` (set it on a versioned bucket, so a new upload redeploys)."
  type = object({
    bucket     = string
    key        = string
    version_id = optional(string)
  })
  default = null
}

variable "partition" {
  description = "AWS partition (`aws`, `aws-cn`, `aws-us-gov`) of the managed policy ARNs attached for VPC and tracing."
  type        = string
  default     = "aws"
  nullable    = false

  validation {
    condition     = can(regex("^aws(-[a-z]+)*$", var.partition))
    error_message = "partition must be an AWS partition such as aws, aws-cn or aws-us-gov."
  }
}

variable "role_name" {
  description = "Name of the execution role; `null` uses the function name. IAM role names are global to the account: include the region when the same function name exists in several regions."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", coalesce(var.role_name, "x")))
    error_message = "role_name must be 1–64 letters, digits or +=,.@_- (IAM role name rules)."
  }
}

variable "role_path" {
  description = "Path of the execution role (e.g. `/service/`); `null` is `/`."
  type        = string
  default     = null

  validation {
    condition     = var.role_path == null || can(regex("^/([\\x21-\\x7E]{0,510}/)?$", coalesce(var.role_path, "/")))
    error_message = "role_path must start and end with / (e.g. /service/), at most 512 printable characters."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of the IAM policy set as the execution role's permissions boundary; `null` sets none."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.role_permissions_boundary, "x")))
    error_message = "role_permissions_boundary must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function: `-1` (default) reserves none, a positive number reserves (and caps) that many."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions == -1 || (var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions)
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number of at least 1; 0 would throttle every invocation."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing: `null` (off), `PassThrough` or `Active`. When set, the role gets the AWS managed AWSXRayDaemonWriteAccess policy."
  type        = string
  default     = null

  validation {
    condition     = var.tracing_mode == null || contains(["PassThrough", "Active"], coalesce(var.tracing_mode, "x"))
    error_message = "tracing_mode must be null, \"PassThrough\" or \"Active\"."
  }
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the function in; set together with `vpc_security_group_ids`. The role then gets the AWS managed AWSLambdaENIManagementAccess policy."
  type        = list(string)
  default     = null
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function's network interfaces; set together with `vpc_subnet_ids`."
  type        = list(string)
  default     = null
}

variable "cloudwatch_logs_kms_key_id" {
  description = "KMS key ARN encrypting the log group; `null` uses CloudWatch Logs' own encryption. Its key policy must allow `logs.<region>.amazonaws.com`."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_logs_kms_key_id == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.cloudwatch_logs_kms_key_id, "x")))
    error_message = "cloudwatch_logs_kms_key_id must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "create_role" {
  description = "Create the function's execution role with its least-privilege inline policy (default). `false` uses `role_arn` instead: for organisations whose IAM is owned by a central team (terraform-aws-lambda's `create_role`; it calls the ARN `lambda_role`)."
  type        = bool
  default     = true
  nullable    = false
}

variable "role_arn" {
  description = "ARN of an existing execution role, used when `create_role = false` (and only then). It must trust `lambda.amazonaws.com` and grant the `policy_json` output; the module attaches nothing to it."
  type        = string
  default     = null

  validation {
    condition     = var.role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", coalesce(var.role_arn, "x")))
    error_message = "role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<path><name>) or null."
  }
}

variable "region" {
  description = "Region of the function, to build its log group ARN at plan (with `account_id`). `null` takes the ARN from the log group resource, known only after apply."
  type        = string
  default     = null
}

variable "account_id" {
  description = "Account id of the function, to build its log group ARN at plan (with `region`)."
  type        = string
  default     = null

  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", coalesce(var.account_id, "x")))
    error_message = "account_id must be a 12-digit AWS account id or null."
  }
}

variable "system_log_level" {
  description = "Level of the platform's own log lines in the JSON log format: `WARN` (default) drops START, END and REPORT (INFO) and keeps warnings and errors; `INFO` keeps them; `DEBUG` adds the platform's debug events."
  type        = string
  default     = "WARN"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN (Lambda's system log levels)."
  }
}
