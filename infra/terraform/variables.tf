# Inputs mirror infra/bicep/main.bicep parameter for parameter (snake_case here, camelCase there);
# tests/e2e-node/test/infra-*.test.mjs fail when they drift. resource_group_name is Terraform's
# equivalent of `az deployment group create --resource-group`.

variable "resource_group_name" {
  description = "Existing resource group to deploy into (Bicep: the --resource-group of the deployment)."
  type        = string
}

variable "location" {
  description = "Azure region of every resource; null uses the resource group's."
  type        = string
  default     = null
}

variable "name_prefix" {
  description = "Prefix of every resource name: 3-11 lowercase letters and digits, starting with a letter."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,10}$", var.name_prefix))
    error_message = "name_prefix must be 3-11 lowercase letters and digits, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "plan_sku" {
  description = "App Service plan SKU. Elastic Premium (EP1-EP3) or Dedicated (P1v3-P3v3): both run custom containers with VNet integration."
  type        = string
  default     = "EP1"
  validation {
    condition     = contains(["EP1", "EP2", "EP3", "P1v3", "P2v3", "P3v3"], var.plan_sku)
    error_message = "plan_sku must be one of EP1, EP2, EP3, P1v3, P2v3, P3v3."
  }
}

variable "container_image" {
  description = "Container image built from infra/container/Dockerfile with the HSM vendor's PKCS#11 client, e.g. myregistry.azurecr.io/hsmvault:1.0.0 (registry/repository:tag)."
  type        = string
  validation {
    condition     = can(regex("^[^/]+/.+:[^:/]+$", var.container_image))
    error_message = "container_image must be registry/repository:tag."
  }
}

variable "container_registry_id" {
  description = "Resource id of the Azure Container Registry holding the image; the identity gets AcrPull on it and pulls with it. Empty: a public image."
  type        = string
  default     = ""
}

variable "hsm_library_path" {
  description = "Path of the PKCS#11 module inside the image (HsmVault__Hsm__LibraryPath), e.g. /usr/safenet/lunaclient/lib/libCryptoki2_64.so."
  type        = string
}

variable "hsm_token_label" {
  description = "Label of the HSM token / partition (HsmVault__Hsm__TokenLabel). Give this or hsm_token_serial."
  type        = string
  default     = ""
}

variable "hsm_token_serial" {
  description = "Serial number of the HSM token (HsmVault__Hsm__TokenSerial); alternative to hsm_token_label."
  type        = string
  default     = ""
}

variable "hsm_pin_secret_uri" {
  description = "Key Vault secret URI holding the HSM user PIN, e.g. https://kv.vault.azure.net/secrets/hsm-pin. Set as a Key Vault reference; the PIN itself never passes through Terraform."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("^https://[^/]+/secrets/[^/]+(/[0-9a-fA-F]{32})?/?$", var.hsm_pin_secret_uri))
    error_message = "hsm_pin_secret_uri must be a Key Vault secret URI (https://<vault>/secrets/<name>[/<version>])."
  }
}

variable "hsm_pin_key_vault_id" {
  description = "Resource id of the Key Vault holding the PIN secret (RBAC mode); the identity gets Key Vault Secrets User on it. Empty: grant access yourself."
  type        = string
  default     = ""
}

variable "hsm_max_idle_sessions" {
  description = "PKCS#11 sessions kept open for reuse (HsmVault__Hsm__MaxIdleSessions)."
  type        = number
  default     = 16
}

variable "auth_authority" {
  description = "Token issuer authority (HsmVault__Auth__Authority); defaults to the Entra ID login endpoint."
  type        = string
  default     = "https://login.microsoftonline.com/"
}

variable "tenant_id" {
  description = "Tenant whose tokens are accepted (HsmVault__Auth__TenantId); null uses the deploying identity's tenant."
  type        = string
  default     = null
}

variable "auth_audience" {
  description = "The deployment's own token audience, the App ID URI of its Entra app registration (HsmVault__Auth__Audiences__0), named in the 401 challenge. Never Azure Key Vault's https://vault.azure.net: a token for one would open the other. null: https://{vault_dns_suffix}, a parent domain of every vault host, as the Key Vault SDKs' challenge check requires."
  type        = string
  default     = null
}

variable "auth_additional_audience" {
  description = "A further accepted audience (HsmVault__Auth__Audiences__1), e.g. the app registration's client id when it issues v2 tokens. Empty: none."
  type        = string
  default     = ""
}

variable "operator_role" {
  description = "App role (roles claim) that marks vault operators (HsmVault__Auth__OperatorRole)."
  type        = string
  default     = "HsmVault.Operator"
}

variable "portal_origin" {
  description = "Origin of the web portal (HsmVault__Portal__Origin), the only origin the data plane answers cross-origin (CORS) requests from, e.g. https://vaults.contoso.com when the portal sits behind Front Door. Empty: https://{vault_dns_suffix}, where the Function App serves it under /portal."
  type        = string
  default     = ""

  validation {
    condition     = var.portal_origin == "" || can(regex("^https://[^/?#]+$", var.portal_origin))
    error_message = "portal_origin is an origin: https://host[:port], no path or trailing slash (or empty)."
  }
}

variable "vault_dns_suffix" {
  description = "DNS suffix of the vaults (HsmVault__Vaults__DnsSuffix): vault hosts are {vault}.{suffix}, the bare suffix is the default vault."
  type        = string
}

variable "default_vault_name" {
  description = "Name of the vault served on the bare suffix and seeded at start (HsmVault__Vaults__DefaultVault)."
  type        = string
  default     = "default"
}

variable "table_prefix" {
  description = "Prefix of the table names (HsmVault__Storage__TablePrefix)."
  type        = string
  default     = "hsmvault"
}

variable "initial_admin_object_id" {
  description = "Object id granted every key and secret permission on the default vault at start (first access policy). Empty: no policy is seeded."
  type        = string
  default     = ""
}

variable "integration_subnet_id" {
  description = "Subnet the Function App is integrated into (delegated to Microsoft.Web/serverFarms); the HSM must be reachable from it."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet for the storage private endpoints (table, blob, queue). Given: storage public network access is off. Empty: public endpoint, Entra ID only."
  type        = string
  default     = ""
}

variable "private_dns_zone_ids" {
  description = "Private DNS zone ids keyed by table, blob, queue (privatelink.{table,blob,queue}.core.windows.net) for the private endpoints."
  type        = map(string)
  default     = {}
}

variable "custom_domain_certificate_key_vault_id" {
  description = "Resource id of the Key Vault with the TLS certificate for {vault_dns_suffix} and *.{vault_dns_suffix}. Empty: no custom domain."
  type        = string
  default     = ""
}

variable "custom_domain_certificate_secret_name" {
  description = "Name of the certificate (secret) in that Key Vault."
  type        = string
  default     = ""
}

variable "log_retention_days" {
  description = "Days the Log Analytics workspace keeps logs."
  type        = number
  default     = 30
  validation {
    condition     = var.log_retention_days >= 30
    error_message = "log_retention_days must be at least 30."
  }
}
