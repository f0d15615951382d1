import { resourceTags } from 'types.bicep'

metadata description = 'The DurableCrews function app on a Linux Flex Consumption plan (dotnet-isolated, .NET 10), running as a user-assigned identity with identity-based connections only.'

@description('The function app\'s name; also its host name (NAME.azurewebsites.net).')
param name string

@description('The Flex Consumption plan\'s name.')
param planName string

@description('The Azure region.')
param location string

@description('Tags for the plan and the app; the app also gets azd-service-name.')
param tags resourceTags

@description('The azd service the app hosts (the service name in azure.yaml).')
param serviceName string

@description('The name of the user-assigned identity (in this resource group) the app runs as.')
param identityName string

@description('The storage account\'s blob endpoint (AzureWebJobsStorage, crew blobs, deployment package).')
param blobEndpoint string

@description('The storage account\'s queue endpoint.')
param queueEndpoint string

@description('The storage account\'s table endpoint.')
param tableEndpoint string

@description('The blob container Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('The Application Insights connection string.')
param applicationInsightsConnectionString string

@description('The Azure OpenAI endpoint.')
param openAIEndpoint string

@description('The Azure OpenAI chat deployment the agents use by default.')
param chatDeploymentName string

@description('The Azure OpenAI embeddings deployment crew memory uses by default.')
param embeddingsDeploymentName string

@description('The most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('The memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Flex Consumption takes the runtime from functionAppConfig and rejects FUNCTIONS_WORKER_RUNTIME and
      // FUNCTIONS_EXTENSION_VERSION here. Every connection is identity-based: no keys, no secrets.
      appSettings: [
        // The Functions host, the queue triggers and the Durable Task Azure Storage provider.
        { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        // Telemetry, sent with an Entra token because the component's local authentication is off.
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD;ClientId=${identity.properties.clientId}'
        }
        // DurableCrews (src/DurableCrews options records; the infra tests check these names against them).
        { name: 'DurableCrews__Model__Provider', value: 'azure-openai' }
        { name: 'DurableCrews__Model__Endpoint', value: openAIEndpoint }
        { name: 'DurableCrews__Model__Name', value: chatDeploymentName }
        { name: 'DurableCrews__Model__ManagedIdentityClientId', value: identity.properties.clientId }
        { name: 'DurableCrews__Embeddings__Provider', value: 'azure-openai' }
        { name: 'DurableCrews__Embeddings__Endpoint', value: openAIEndpoint }
        { name: 'DurableCrews__Embeddings__Name', value: embeddingsDeploymentName }
        { name: 'DurableCrews__Embeddings__ManagedIdentityClientId', value: identity.properties.clientId }
        { name: 'DurableCrews__Storage__BlobServiceUri', value: blobEndpoint }
        { name: 'DurableCrews__Storage__ManagedIdentityClientId', value: identity.properties.clientId }
        { name: 'DurableCrews__Crews__Path', value: 'crews' }
        { name: 'DurableCrews__Crews__FlowsPath', value: 'flows' }
        { name: 'DurableCrews__Queues__QueueServiceUri', value: queueEndpoint }
        { name: 'DurableCrews__Queues__PublishResults', value: 'true' }
      ]
    }
  }
}

// Deployments (azd, az functionapp deploy) authenticate with Entra ID; publishing user names and passwords stay off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The function app\'s name.')
output name string = app.name

@description('The function app\'s default host name.')
output defaultHostName string = app.properties.defaultHostName
