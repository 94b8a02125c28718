# HsmVault: a Key Vault-compatible vault on Azure Functions whose keys live in the customer's HSM (PKCS#11).
# Same deployment as infra/bicep/main.bicep: a Linux Function App (custom container) with VNet integration,
# a storage account reached with a user-assigned managed identity, Application Insights + Log Analytics.

data "azurerm_resource_group" "target" {
  name = var.resource_group_name
}

data "azurerm_client_config" "current" {}

locals {
  location     = coalesce(var.location, data.azurerm_resource_group.target.location)
  tenant_id    = coalesce(var.tenant_id, data.azurerm_client_config.current.tenant_id)
  storage_name = substr("${var.name_prefix}${substr(sha1(data.azurerm_resource_group.target.id), 0, 13)}", 0, 24)
}

module "identity" {
  source              = "./modules/identity"
  name                = "${var.name_prefix}-id"
  resource_group_name = var.resource_group_name
  location            = local.location
  tags                = var.tags
}

module "monitoring" {
  source              = "./modules/monitoring"
  name_prefix         = var.name_prefix
  resource_group_name = var.resource_group_name
  location            = local.location
  log_retention_days  = var.log_retention_days
  tags                = var.tags
}

module "storage" {
  source                     = "./modules/storage"
  name                       = local.storage_name
  resource_group_name        = var.resource_group_name
  location                   = local.location
  tags                       = var.tags
  principal_id               = module.identity.principal_id
  private_endpoint_subnet_id = var.private_endpoint_subnet_id
  private_dns_zone_ids       = var.private_dns_zone_ids
  workspace_id               = module.monitoring.workspace_id
}

# AcrPull on the customer's registry and Key Vault Secrets User on the PIN's Key Vault, when given.
resource "azurerm_role_assignment" "acr_pull" {
  count                = var.container_registry_id == "" ? 0 : 1
  scope                = var.container_registry_id
  role_definition_name = "AcrPull"
  principal_id         = module.identity.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "hsm_pin_reader" {
  count                = var.hsm_pin_key_vault_id == "" ? 0 : 1
  scope                = var.hsm_pin_key_vault_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = module.identity.principal_id
  principal_type       = "ServicePrincipal"
}

module "function_app" {
  source                     = "./modules/function_app"
  name_prefix                = var.name_prefix
  resource_group_name        = var.resource_group_name
  location                   = local.location
  tags                       = var.tags
  plan_sku                   = var.plan_sku
  container_image            = var.container_image
  pull_with_managed_identity = var.container_registry_id != ""
  identity_id                = module.identity.id
  identity_client_id         = module.identity.client_id
  storage_account_name       = module.storage.name
  table_endpoint             = module.storage.table_endpoint
  blob_endpoint              = module.storage.blob_endpoint
  insights_connection_string = module.monitoring.insights_connection_string
  workspace_id               = module.monitoring.workspace_id
  integration_subnet_id      = var.integration_subnet_id
  hsm_pin_secret_uri         = var.hsm_pin_secret_uri
  hsm = {
    library_path             = var.hsm_library_path
    token_label              = var.hsm_token_label
    token_serial             = var.hsm_token_serial
    max_idle_sessions        = var.hsm_max_idle_sessions
    table_prefix             = var.table_prefix
    vault_dns_suffix         = var.vault_dns_suffix
    default_vault_name       = var.default_vault_name
    auth_authority           = var.auth_authority
    tenant_id                = local.tenant_id
    auth_audience            = coalesce(var.auth_audience, "https://${var.vault_dns_suffix}")
    auth_additional_audience = var.auth_additional_audience
    operator_role            = var.operator_role
    portal_origin            = var.portal_origin
    initial_admin_object_id  = var.initial_admin_object_id
  }
  custom_domain_certificate_key_vault_id = var.custom_domain_certificate_key_vault_id
  custom_domain_certificate_secret_name  = var.custom_domain_certificate_secret_name

  depends_on = [module.storage, azurerm_role_assignment.acr_pull, azurerm_role_assignment.hsm_pin_reader]
}
