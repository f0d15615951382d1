targetScope = 'subscription'

metadata description = 'DurableCrews on Azure: a Flex Consumption function app with a user-assigned identity, a storage account without shared keys, Azure OpenAI (or an existing endpoint) and monitoring. Run with `azd up`.'

@description('The azd environment name; names the resource group and seeds every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('The region of every resource (Flex Consumption must be available there).')
@metadata({ azd: { type: 'location' } })
param location string

@description('An existing Azure OpenAI endpoint (https://NAME.openai.azure.com/). When set, no Azure OpenAI account is created, the deployment names below must exist on it, and the app\'s identity needs the Cognitive Services OpenAI User role there (docs/deploy.md).')
param existingOpenAIEndpoint string = ''

@description('The region of the Azure OpenAI account when one is created, for models the main region lacks; empty means the main region.')
param openAILocation string = ''

@description('The chat deployment\'s name (on the existing endpoint, the deployment to use).')
param chatDeploymentName string = 'gpt-4.1-mini'

@description('The chat model.')
param chatModelName string = 'gpt-4.1-mini'

@description('The chat model version.')
param chatModelVersion string = '2025-04-14'

@description('The chat deployment SKU (GlobalStandard and Standard are pay-per-token).')
param chatDeploymentSku string = 'GlobalStandard'

@description('The chat deployment capacity, in thousands of tokens per minute.')
@minValue(1)
param chatDeploymentCapacity int = 30

@description('The embeddings deployment\'s name (on the existing endpoint, the deployment to use).')
param embeddingsDeploymentName string = 'text-embedding-3-small'

@description('The embeddings model.')
param embeddingsModelName string = 'text-embedding-3-small'

@description('The embeddings model version.')
param embeddingsModelVersion string = '1'

@description('The embeddings deployment SKU (GlobalStandard and Standard are pay-per-token).')
param embeddingsDeploymentSku string = 'GlobalStandard'

@description('The embeddings deployment capacity, in thousands of tokens per minute.')
@minValue(1)
param embeddingsDeploymentCapacity int = 30

@description('The most instances the function app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var serviceName = 'api'
var identityName = 'id-${resourceToken}'
var deploymentContainerName = 'app-package'
var createOpenAI = empty(existingOpenAIEndpoint)

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

// The modules below find the identity by name (known before deployment) rather than by its principal id (known
// only after), so role assignment names stay predictable and what-if can see them.
module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    identityName: identityName
  }
  dependsOn: [
    identity
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    identityName: identityName
  }
  dependsOn: [
    identity
  ]
}

module openAI 'modules/openai.bicep' = if (createOpenAI) {
  name: 'openai'
  scope: resourceGroup
  params: {
    name: 'oai-${resourceToken}'
    location: empty(openAILocation) ? location : openAILocation
    tags: tags
    chat: {
      name: chatDeploymentName
      modelName: chatModelName
      modelVersion: chatModelVersion
      skuName: chatDeploymentSku
      capacity: chatDeploymentCapacity
    }
    embeddings: {
      name: embeddingsDeploymentName
      modelName: embeddingsModelName
      modelVersion: embeddingsModelVersion
      skuName: embeddingsDeploymentSku
      capacity: embeddingsDeploymentCapacity
    }
    identityName: identityName
  }
  dependsOn: [
    identity
  ]
}

var openAIEndpoint = createOpenAI ? openAI!.outputs.endpoint : existingOpenAIEndpoint

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityName: identityName
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    openAIEndpoint: openAIEndpoint
    chatDeploymentName: chatDeploymentName
    embeddingsDeploymentName: embeddingsDeploymentName
    maximumInstanceCount: maximumInstanceCount
  }
}

@description('The region, for azd.')
output AZURE_LOCATION string = location

@description('The tenant, for azd.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('The resource group everything is in.')
output AZURE_RESOURCE_GROUP string = resourceGroup.name

@description('The function app\'s name (az functionapp keys list --name ...).')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('The base URL of the HTTP API.')
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('The principal id of the app\'s identity: grant it Cognitive Services OpenAI User on an existing Azure OpenAI resource.')
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId

@description('The Azure OpenAI endpoint the app calls.')
output AZURE_OPENAI_ENDPOINT string = openAIEndpoint

@description('The chat deployment the app uses by default.')
output AZURE_OPENAI_CHAT_DEPLOYMENT string = chatDeploymentName

@description('The embeddings deployment crew memory uses by default.')
output AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT string = embeddingsDeploymentName

@description('The storage account holding runs, memory, cache and crews.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('The blob endpoint of that account.')
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
