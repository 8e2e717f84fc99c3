using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;

namespace Platform.SecurityTests;

/// <summary>
/// The evaluator's fast path grants only what the framework's evaluator would grant; everything else goes to the
/// framework (end to end, every endpoint × role: <see cref="AuthorizationMatrixTests"/>).
/// </summary>
public sealed class ApiKeyPolicyEvaluatorTests
{
    private static ClaimsPrincipal Key(params string[] roles) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "k1"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], ApiKeys.Scheme));

    private static AuthorizationPolicy Roles(params string[] roles) =>
        new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(roles).Build();

    [Fact]
    public void Grants_an_authenticated_key_one_of_the_required_roles()
    {
        Assert.True(ApiKeyPolicyEvaluator.Grants(Roles(ApiKeys.Consumer, ApiKeys.Operator), Key(ApiKeys.Consumer)));
        Assert.True(ApiKeyPolicyEvaluator.Grants(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(), Key(ApiKeys.Reader)));
    }

    [Fact]
    public void Leaves_a_missing_role_an_anonymous_user_and_other_requirements_to_the_framework()
    {
        Assert.False(ApiKeyPolicyEvaluator.Grants(Roles(ApiKeys.Consumer, ApiKeys.Operator), Key(ApiKeys.Producer)));
        Assert.False(ApiKeyPolicyEvaluator.Grants(Roles(ApiKeys.Consumer), new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, ApiKeys.Consumer)]))));
        Assert.False(ApiKeyPolicyEvaluator.Grants(Roles(ApiKeys.Consumer), null));
        Assert.False(ApiKeyPolicyEvaluator.Grants(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("tenant").Build(), Key(ApiKeys.Consumer)));
    }
}
