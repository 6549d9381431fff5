# The zips belong to the module: dist/build.json names the module's version (package.json) and each function's
# environment contract; anything else fails the plan with one line (release.tf, docs/releasing.md).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "zips_of_this_version_and_contract_plan" {
  command = plan

  assert {
    condition     = output.module_version == jsondecode(file("./package.json")).version
    error_message = "module_version is package.json's version."
  }

  assert {
    condition     = join(",", sort(keys(local.local_packages))) == "admin-signout,authorizer,token-trigger"
    error_message = "With automatic revocation and logout off, their zips are not needed."
  }
}

run "feature_zips_are_checked_only_when_the_feature_is_on" {
  command = plan
  variables {
    revocation_sweep_schedule = "rate(15 minutes)"
    http_apis                 = { catalog = { api_id = "f6g7h8i9j0" } }
    logout                    = { http_apis = { catalog = {} } }
  }
  assert {
    condition     = join(",", sort(keys(local.local_packages))) == "admin-signout,authorizer,auto-revocation,logout,token-trigger" && local.package_problem == null
    error_message = "With automatic revocation and logout on, their zips are checked against build.json too."
  }
}

run "zips_of_another_version_fail_the_plan" {
  command = plan
  variables {
    package_dir = "./tests/fixtures/other-version"
  }
  expect_failures = [output.module_version]
}

run "zips_built_against_another_environment_contract_fail_the_plan" {
  command = plan
  variables {
    package_dir = "./tests/fixtures/other-contract"
  }
  expect_failures = [output.module_version]
}

run "zips_without_a_manifest_fail_the_plan" {
  command = plan
  variables {
    package_dir = "./tests/fixtures/no-manifest"
  }
  expect_failures = [output.module_version]
}

run "functions_deployed_from_s3_need_no_local_zip" {
  command = plan
  variables {
    package_dir = "./tests/fixtures/nowhere"
    s3_existing_package = {
      authorizer    = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/authorizer.zip", version_id = "v1" }
      token_trigger = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/token-trigger.zip" }
      admin_signout = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/admin-signout.zip" }
    }
  }
  assert {
    condition     = module.function["authorizer"].function_name == "cognito-revocation-authorizer"
    error_message = "Every function deployed from S3: no zip and no manifest needed."
  }
}

run "optional_functions_deployed_from_s3_need_no_local_zip" {
  command = plan
  variables {
    package_dir = "./tests/fixtures/nowhere"
    revoke_on   = ["AdminDisableUser"]
    http_apis   = { catalog = { api_id = "f6g7h8i9j0" } }
    logout      = { http_apis = { catalog = {} } }
    s3_existing_package = {
      authorizer      = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/authorizer.zip" }
      token_trigger   = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/token-trigger.zip" }
      admin_signout   = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/admin-signout.zip" }
      auto_revocation = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/auto-revocation.zip" }
      logout          = { bucket = "my-artifacts", key = "cognito-revocation/0.1.0/logout.zip" }
    }
  }
  assert {
    condition     = length(local.local_packages) == 0 && module.function["logout"].function_name == "cognito-revocation-logout"
    error_message = "Automatic revocation and logout deployed from S3 too: no zip and no manifest needed."
  }
}

run "s3_package_with_an_arn_for_a_bucket" {
  command = plan
  variables {
    s3_existing_package = { authorizer = { bucket = "arn:aws:s3:::my-artifacts", key = "authorizer.zip" } }
  }
  expect_failures = [var.s3_existing_package]
}

run "s3_package_for_an_unknown_function" {
  command = plan
  variables {
    s3_existing_package = { sweeper = { bucket = "my-artifacts", key = "sweeper.zip" } }
  }
  expect_failures = [var.s3_existing_package]
}
