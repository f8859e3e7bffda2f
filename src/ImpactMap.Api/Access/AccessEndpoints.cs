using Microsoft.AspNetCore.Http.HttpResults;

namespace ImpactMap.Api.Access;

/// <summary>What the presented key may do, so a client (the console) can hide what it would be refused.</summary>
public sealed record AccessResponse(string KeyId, string Role, IReadOnlyList<string>? Graphs, bool Open);

/// <summary>/v1/access: who the caller is to this service.</summary>
public static class AccessEndpoints
{
    public static RouteHandlerBuilder MapAccess(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/access", GetAccess).WithTags("Access").WithName("Access")
            .WithSummary("The presented key's id, role and graphs (null: every graph); open when no keys are configured");

    public static Ok<AccessResponse> GetAccess(HttpContext context, ApiKeys keys)
    {
        var caller = AccessControl.CallerOf(context);
        return TypedResults.Ok(new AccessResponse(
            caller.KeyId,
            caller.Role.ToString().ToLowerInvariant(),
            caller.Graphs?.Order(StringComparer.Ordinal).ToList(),
            !keys.AreConfigured));
    }
}
