// The Linux Function App (isolated worker, custom container with the HSM's PKCS#11 client) on an
// Elastic Premium or Dedicated plan, integrated into the customer's subnet to reach the HSM.
// Every HsmVault setting name used here is listed in infra/app-settings.json (checked by tests).

@description('Azure region.')
param location string

@description('Name prefix of the resources.')
param namePrefix string

@description('Tags for every resource.')
param tags object

@description('Plan SKU: EP1-EP3 (Elastic Premium) or P1v3-P3v3 (Dedicated).')
param planSku string

@description('Container image with the app and the PKCS#11 client, e.g. myregistry.azurecr.io/hsmvault:1.0.0.')
param containerImage string

@description('Whether the image is pulled from an Azure Container Registry with the managed identity.')
param pullWithManagedIdentity bool

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Storage account used by the runtime and for tables.')
param storageAccountName string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Blob endpoint of the storage account (audit log).')
param blobEndpoint string

@description('Application Insights connection string.')
param insightsConnectionString string

@description('Log Analytics workspace that receives the diagnostics.')
param workspaceId string

@description('Subnet the app is integrated into (delegated to Microsoft.Web/serverFarms); the HSM must be reachable from it.')
param integrationSubnetId string

@description('HsmVault settings: values of the HsmVault__* app settings.')
param hsm object

@description('Key Vault secret URI of the HSM user PIN.')
@secure()
param hsmPinSecretUri string

@description('Resource id of the Key Vault holding the custom-domain certificate; empty: no custom domain.')
param customDomainCertificateKeyVaultId string

@description('Name of the Key Vault secret (certificate) covering the vault DNS suffix and *.suffix.')
param customDomainCertificateSecretName string

var isElastic = startsWith(planSku, 'EP')

var baseSettings = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'false' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insightsConnectionString }
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'HsmVault__Hsm__LibraryPath', value: hsm.libraryPath }
  { name: 'HsmVault__Hsm__UserPin', value: '@Microsoft.KeyVault(SecretUri=${hsmPinSecretUri})' }
  { name: 'HsmVault__Hsm__MaxIdleSessions', value: string(hsm.maxIdleSessions) }
  { name: 'HsmVault__Storage__TableEndpoint', value: tableEndpoint }
  { name: 'HsmVault__Storage__BlobEndpoint', value: blobEndpoint }
  { name: 'HsmVault__Storage__ManagedIdentityClientId', value: identityClientId }
  { name: 'HsmVault__Storage__TablePrefix', value: hsm.tablePrefix }
  { name: 'HsmVault__Vaults__DnsSuffix', value: hsm.vaultDnsSuffix }
  { name: 'HsmVault__Vaults__DefaultVault', value: hsm.defaultVaultName }
  { name: 'HsmVault__Vaults__PublicPort', value: '443' }
  { name: 'HsmVault__Auth__Authority', value: hsm.authAuthority }
  { name: 'HsmVault__Auth__TenantId', value: hsm.tenantId }
  { name: 'HsmVault__Auth__Audiences__0', value: hsm.authAudience }
  { name: 'HsmVault__Auth__OperatorRole', value: hsm.operatorRole }
  { name: 'HsmVault__Seed__Vaults__0__Name', value: hsm.defaultVaultName }
]

// Left out when empty (the app treats a missing setting as unset).
var optionalSettings = [
  { name: 'HsmVault__Hsm__TokenLabel', value: hsm.tokenLabel }
  { name: 'HsmVault__Hsm__TokenSerial', value: hsm.tokenSerial }
  { name: 'HsmVault__Portal__Origin', value: hsm.portalOrigin }
  { name: 'HsmVault__Auth__Audiences__1', value: hsm.authAdditionalAudience }
  { name: 'HsmVault__Seed__Vaults__0__AccessPolicies__0__ObjectId', value: hsm.initialAdminObjectId }
  { name: 'HsmVault__Seed__Vaults__0__AccessPolicies__0__Keys', value: empty(hsm.initialAdminObjectId) ? '' : 'all' }
  { name: 'HsmVault__Seed__Vaults__0__AccessPolicies__0__Secrets', value: empty(hsm.initialAdminObjectId) ? '' : 'all' }
]

var appSettings = concat(baseSettings, filter(optionalSettings, s => !empty(s.value)))

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  tags: tags
  kind: isElastic ? 'elastic' : 'linux'
  sku: {
    name: planSku
    tier: isElastic ? 'ElasticPremium' : 'PremiumV3'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: isElastic ? 20 : null
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: '${namePrefix}-func'
  location: location
  tags: tags
  kind: 'functionapp,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    virtualNetworkSubnetId: integrationSubnetId
    vnetRouteAllEnabled: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      acrUseManagedIdentityCreds: pullWithManagedIdentity
      acrUserManagedIdentityID: pullWithManagedIdentity ? identityClientId : null
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      alwaysOn: !isElastic
      appSettings: appSettings
    }
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [{ category: 'FunctionAppLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

var useCustomDomain = !empty(customDomainCertificateKeyVaultId)

resource certificate 'Microsoft.Web/certificates@2023-12-01' = if (useCustomDomain) {
  name: '${namePrefix}-vault-cert'
  location: location
  tags: tags
  properties: {
    serverFarmId: plan.id
    keyVaultId: customDomainCertificateKeyVaultId
    keyVaultSecretName: customDomainCertificateSecretName
  }
}

// The bare suffix serves the default vault, *.suffix every other vault. One binding at a time.
@batchSize(1)
resource hostNameBindings 'Microsoft.Web/sites/hostNameBindings@2023-12-01' = [for host in [hsm.vaultDnsSuffix, '*.${hsm.vaultDnsSuffix}']: if (useCustomDomain) {
  parent: site
  name: host
  properties: {
    siteName: site.name
    hostNameType: 'Verified'
    sslState: 'SniEnabled'
    thumbprint: certificate.?properties.thumbprint ?? ''
  }
}]

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
