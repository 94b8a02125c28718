// HsmVault: a Key Vault-compatible vault on Azure Functions whose keys live in the customer's HSM (PKCS#11).
// Deploys into one resource group: a Linux Function App (custom container) with VNet integration,
// a storage account reached with a user-assigned managed identity, Application Insights + Log Analytics.
// infra/terraform deploys the same thing; tests/e2e-node/test/infra-*.test.mjs keep the two in step.
targetScope = 'resourceGroup'

@description('Azure region of every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Prefix of every resource name: 3-11 lowercase letters and digits, starting with a letter.')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Tags applied to every resource.')
param tags object = {}

@description('App Service plan SKU. Elastic Premium (EP1-EP3) or Dedicated (P1v3-P3v3): both run custom containers with VNet integration.')
@allowed(['EP1', 'EP2', 'EP3', 'P1v3', 'P2v3', 'P3v3'])
param planSku string = 'EP1'

@description('Container image built from infra/container/Dockerfile with the HSM vendor\'s PKCS#11 client, e.g. myregistry.azurecr.io/hsmvault:1.0.0.')
param containerImage string

@description('Resource id of the Azure Container Registry holding the image; the identity gets AcrPull on it and pulls with it. Empty: a public image.')
param containerRegistryId string = ''

@description('Path of the PKCS#11 module inside the image (HsmVault__Hsm__LibraryPath), e.g. /usr/safenet/lunaclient/lib/libCryptoki2_64.so.')
param hsmLibraryPath string

@description('Label of the HSM token / partition (HsmVault__Hsm__TokenLabel). Give this or hsmTokenSerial.')
param hsmTokenLabel string = ''

@description('Serial number of the HSM token (HsmVault__Hsm__TokenSerial); alternative to hsmTokenLabel.')
param hsmTokenSerial string = ''

@description('Key Vault secret URI holding the HSM user PIN, e.g. https://kv.vault.azure.net/secrets/hsm-pin. Set as a Key Vault reference; the PIN itself never passes through the deployment.')
@secure()
param hsmPinSecretUri string

@description('Resource id of the Key Vault holding the PIN secret (RBAC mode); the identity gets Key Vault Secrets User on it. Empty: grant access yourself.')
param hsmPinKeyVaultId string = ''

@description('PKCS#11 sessions kept open for reuse (HsmVault__Hsm__MaxIdleSessions).')
@minValue(1)
param hsmMaxIdleSessions int = 16

@description('Token issuer authority (HsmVault__Auth__Authority); defaults to the cloud\'s Entra ID login endpoint.')
param authAuthority string = environment().authentication.loginEndpoint

@description('Tenant whose tokens are accepted (HsmVault__Auth__TenantId); defaults to the deployment\'s tenant.')
param tenantId string = tenant().tenantId

@description('The deployment\'s own token audience, the App ID URI of its Entra app registration (HsmVault__Auth__Audiences__0), named in the 401 challenge. Never Azure Key Vault\'s https://vault.azure.net: a token for one would open the other. The default, https://{vaultDnsSuffix}, is a parent domain of every vault host, as the Key Vault SDKs\' challenge check requires.')
param authAudience string = 'https://${vaultDnsSuffix}'

@description('A further accepted audience (HsmVault__Auth__Audiences__1), e.g. the app registration\'s client id when it issues v2 tokens. Empty: none.')
param authAdditionalAudience string = ''

@description('App role (roles claim) that marks vault operators (HsmVault__Auth__OperatorRole).')
param operatorRole string = 'HsmVault.Operator'

@description('Origin of the web portal (HsmVault__Portal__Origin), the only origin the data plane answers cross-origin (CORS) requests from, e.g. https://vaults.contoso.com when the portal sits behind Front Door. Empty: https://{vaultDnsSuffix}, where the Function App serves it under /portal.')
param portalOrigin string = ''

@description('DNS suffix of the vaults (HsmVault__Vaults__DnsSuffix): vault hosts are {vault}.{suffix}, the bare suffix is the default vault.')
param vaultDnsSuffix string

@description('Name of the vault served on the bare suffix and seeded at start (HsmVault__Vaults__DefaultVault).')
param defaultVaultName string = 'default'

@description('Prefix of the table names (HsmVault__Storage__TablePrefix).')
param tablePrefix string = 'hsmvault'

@description('Object id granted every key and secret permission on the default vault at start (first access policy). Empty: no policy is seeded.')
param initialAdminObjectId string = ''

@description('Subnet the Function App is integrated into (delegated to Microsoft.Web/serverFarms); the HSM must be reachable from it.')
param integrationSubnetId string

@description('Subnet for the storage private endpoints (table, blob, queue). Given: storage public network access is off. Empty: public endpoint, Entra ID only.')
param privateEndpointSubnetId string = ''

@description('Private DNS zone ids keyed by table, blob, queue (privatelink.{table,blob,queue}.core.windows.net) for the private endpoints.')
param privateDnsZoneIds object = {}

@description('Resource id of the Key Vault with the TLS certificate for {vaultDnsSuffix} and *.{vaultDnsSuffix}. Empty: no custom domain.')
param customDomainCertificateKeyVaultId string = ''

@description('Name of the certificate (secret) in that Key Vault.')
param customDomainCertificateSecretName string = ''

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
param logRetentionDays int = 30

var storageName = take('${namePrefix}${uniqueString(resourceGroup().id)}', 24)

var roles = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: '${namePrefix}-id'
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    logRetentionDays: logRetentionDays
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: storageName
    tags: tags
    principalId: identity.outputs.principalId
    privateEndpointSubnetId: privateEndpointSubnetId
    privateDnsZoneIds: privateDnsZoneIds
    workspaceId: monitoring.outputs.workspaceId
  }
}

module registryAccess 'modules/role-assignment.bicep' = if (!empty(containerRegistryId)) {
  name: 'registry-access'
  scope: resourceGroup(split(containerRegistryId, '/')[2], split(containerRegistryId, '/')[4])
  params: {
    resourceId: containerRegistryId
    roleDefinitionId: roles.acrPull
    principalId: identity.outputs.principalId
  }
}

module pinAccess 'modules/role-assignment.bicep' = if (!empty(hsmPinKeyVaultId)) {
  name: 'hsm-pin-access'
  scope: resourceGroup(split(hsmPinKeyVaultId, '/')[2], split(hsmPinKeyVaultId, '/')[4])
  params: {
    resourceId: hsmPinKeyVaultId
    roleDefinitionId: roles.keyVaultSecretsUser
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'function-app'
  dependsOn: [registryAccess, pinAccess]
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    planSku: planSku
    containerImage: containerImage
    pullWithManagedIdentity: !empty(containerRegistryId)
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    tableEndpoint: storage.outputs.tableEndpoint
    blobEndpoint: storage.outputs.blobEndpoint
    insightsConnectionString: monitoring.outputs.insightsConnectionString
    workspaceId: monitoring.outputs.workspaceId
    integrationSubnetId: integrationSubnetId
    hsmPinSecretUri: hsmPinSecretUri
    hsm: {
      libraryPath: hsmLibraryPath
      tokenLabel: hsmTokenLabel
      tokenSerial: hsmTokenSerial
      maxIdleSessions: hsmMaxIdleSessions
      tablePrefix: tablePrefix
      vaultDnsSuffix: vaultDnsSuffix
      defaultVaultName: defaultVaultName
      authAuthority: authAuthority
      tenantId: tenantId
      authAudience: authAudience
      authAdditionalAudience: authAdditionalAudience
      operatorRole: operatorRole
      portalOrigin: portalOrigin
      initialAdminObjectId: initialAdminObjectId
    }
    customDomainCertificateKeyVaultId: customDomainCertificateKeyVaultId
    customDomainCertificateSecretName: customDomainCertificateSecretName
  }
}

@description('Name of the Function App.')
output functionAppName string = functionApp.outputs.name

@description('Default host name of the Function App (*.azurewebsites.net).')
output functionAppDefaultHostName string = functionApp.outputs.defaultHostName

@description('Base URI of the default vault; other vaults are https://{vault}.{vaultDnsSuffix}.')
output vaultBaseUri string = 'https://${vaultDnsSuffix}'

@description('Client id of the managed identity the app runs as.')
output managedIdentityClientId string = identity.outputs.clientId

@description('Object (principal) id of the managed identity, for further role assignments.')
output managedIdentityPrincipalId string = identity.outputs.principalId

@description('Name of the storage account (tables and Functions runtime).')
output storageAccountName string = storage.outputs.name

@description('Resource id of the Log Analytics workspace with the app and storage diagnostics.')
output logAnalyticsWorkspaceId string = monitoring.outputs.workspaceId
