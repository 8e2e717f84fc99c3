using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Documents the API-key scheme, and on each operation the key it needs: its roles in the description and the
/// security requirement (none on the anonymous probes).
/// </summary>
public static class ApiKeyOpenApi
{
    public static OpenApiOptions AddApiKeyScheme(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeys.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeys.HeaderName,
                Description = $"An API key (Auth:Keys). Roles: {string.Join(", ", ApiKeys.AllRoles)}; operator passes everywhere, any key reads metadata.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            var roles = metadata.OfType<ApiKeyRoleMetadata>().LastOrDefault()?.Roles ?? [ApiKeys.Reader];
            var text = roles.Contains(ApiKeys.Reader) ? "any API key (role reader or above)" : $"API key with role {string.Join(" or ", roles)} (or operator)";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Needs {text}." : $"{operation.Description} Needs {text}.";
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeys.Scheme, context.Document)] = [] }];
            return Task.CompletedTask;
        });
        return options;
    }
}
