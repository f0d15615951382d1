import { resourceTags, modelDeployment } from 'types.bicep'

metadata description = 'An Azure OpenAI account with local (key) authentication off, a chat deployment and an embeddings deployment; the app calls it with its managed identity.'

@description('The account\'s name; also its custom subdomain (https://NAME.openai.azure.com/).')
param name string

@description('The Azure region.')
param location string

@description('Tags for the account.')
param tags resourceTags

@description('The chat model deployment.')
param chat modelDeployment

@description('The embeddings model deployment.')
param embeddings modelDeployment

@description('The name of the user-assigned identity (in this resource group) that calls the deployments.')
param identityName string

var cognitiveServicesOpenAIUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource account 'Microsoft.CognitiveServices/accounts@2026-07-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource chatDeployment 'Microsoft.CognitiveServices/accounts/deployments@2026-07-01' = {
  parent: account
  name: chat.name
  sku: {
    name: chat.skuName
    capacity: chat.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chat.modelName
      version: chat.modelVersion
    }
  }
}

resource embeddingsDeployment 'Microsoft.CognitiveServices/accounts/deployments@2026-07-01' = {
  parent: account
  name: embeddings.name
  sku: {
    name: embeddings.skuName
    capacity: embeddings.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embeddings.modelName
      version: embeddings.modelVersion
    }
  }
  // An account accepts one deployment change at a time.
  dependsOn: [
    chatDeployment
  ]
}

resource openAIUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identity.id, cognitiveServicesOpenAIUserRoleId)
  scope: account
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      cognitiveServicesOpenAIUserRoleId
    )
  }
}

@description('The account\'s endpoint, e.g. https://NAME.openai.azure.com/.')
output endpoint string = account.properties.endpoint

@description('The chat deployment\'s name.')
output chatDeploymentName string = chatDeployment.name

@description('The embeddings deployment\'s name.')
output embeddingsDeploymentName string = embeddingsDeployment.name
