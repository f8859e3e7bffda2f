using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// What the generated OpenAPI document cannot know by itself, so that a strictly generated client can trust it:
/// which fields a request must have (the rest are optional), that a field absent when null is optional in an
/// answer, the words a state, status or effect may be, what problem details carry, that letters are text,
/// the API key, the headers each operation reads and sets, and the errors every operation can answer.
/// </summary>
internal static class OpenApiContract
{
    private const string ApiKeyScheme = "ApiKey";

    // The fields the service refuses a request without; every other request field is optional.
    private static readonly Dictionary<string, string[]> RequiredInRequests = new(StringComparer.Ordinal)
    {
        ["ImpactRequest"] = ["outages"],
        ["OutageRequest"] = ["node"],
        ["OpenIncidentRequest"] = ["title", "outages"],
        ["IncidentUpdateRequest"] = ["status", "message"],
        ["ReviewRequest"] = ["whatHappened", "whatWeLearned", "prevention"],
        ["PreventionRequest"] = ["action", "owner", "due"],
        ["GraphDocument"] = ["nodes"],
        ["NodeDocument"] = ["id", "kind"],
        ["DependencyDocument"] = ["from", "to"],
    };

    // The words a field or a query parameter may be, by its name (a repeatable parameter: each of its values).
    private static readonly Dictionary<string, string[]> Words = new(StringComparer.Ordinal)
    {
        ["state"] = ["down", "degraded", "at-risk"],
        ["stateIfAloneFails"] = ["up", "down", "degraded", "at-risk"],
        ["effect"] = ["down", "degraded", "at-risk"],
        ["status"] = ["investigating", "identified", "monitoring", "resolved", "closed"],
        ["phase"] = ["ongoing", "restored", "reviewed"],
        ["paths"] = ["full", "none"],
        ["level"] = ["down", "degraded", "at-risk"],
        ["method"] = ["exact", "monteCarlo"],
        ["mode"] = ["replace", "merge"],
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ImpactMap";
            document.Info.Description = ApiDescription.Introduction;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Access.AccessControl.Header,
                Description = "An API key (reader, editor or admin). A service with no keys configured is open, on loopback only.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] }];
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= tag.Name switch
                {
                    "Graphs" => "Whole graphs as documents (JSON or YAML), versioned.",
                    "Nodes" => "One node at a time.",
                    "Dependencies" => "One dependency at a time: from needs to.",
                    "Impact" => "What fails when these fail, why and when; what a node depends on; which nodes matter most; cycles.",
                    "Incidents" => "An outage followed from opening to its closed review, with letters for every affected party.",
                    "Events" => "Server-Sent Events of graph changes and incidents.",
                    _ => null,
                };
            }

            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var name = context.JsonTypeInfo.Type.Name;
            if (schema.Properties is { Count: > 0 } properties)
            {
                var nullable = context.JsonTypeInfo.Properties.Where(p => p.IsGetNullable).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                Describe(schema, name, properties, nullable);
            }

            if (name == "ProblemDetails")
            {
                AddProblemMembers(schema);
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var route = context.Description.RelativePath ?? "";
            var method = context.Description.HttpMethod ?? "GET";
            if (route.StartsWith("v1/", StringComparison.Ordinal))
            {
                AddErrors(operation, context.Document!);
                AddHeaders(operation, method, route);
                AddQueryWords(operation, route);
            }

            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
            {
                foreach (var text in content.Where(c => c.Key.StartsWith("text/", StringComparison.Ordinal) || c.Key is "application/graphml+xml").ToList())
                {
                    // Letters and exports (CSV, DOT, Mermaid, GraphML) are text, not JSON.
                    content[text.Key] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }

                if (content.ContainsKey("application/zip"))
                {
                    content["application/zip"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }
            }

            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiSchema schema, string typeName, IDictionary<string, IOpenApiSchema> properties, HashSet<string> nullable)
    {
        if (RequiredInRequests.TryGetValue(typeName, out var required))
        {
            schema.Required = new HashSet<string>(required, StringComparer.Ordinal);
        }
        else if (schema.Required is { Count: > 0 } marked)
        {
            // An answer leaves a field out when it is null: such a field is optional.
            marked.ExceptWith(nullable);
        }

        foreach (var (property, words) in Words)
        {
            if (properties.TryGetValue(property, out var field) && field is OpenApiSchema { Type: { } type } text && type.HasFlag(JsonSchemaType.String))
            {
                text.Enum = [.. words.Select(w => (JsonNode)JsonValue.Create(w)!)];
                if (type.HasFlag(JsonSchemaType.Null))
                {
                    // A field that may be null must be allowed null by its enum too.
                    text.Enum.Add(null!);
                }
            }
        }
    }

    private static void AddQueryWords(OpenApiOperation operation, string route)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            var words = parameter.Name == "format" && route.EndsWith("/imports", StringComparison.Ordinal)
                ? Imports.ImportEndpoints.Formats
                : Words.GetValueOrDefault(parameter.Name ?? "");
            var values = parameter.Schema is OpenApiSchema { Type: JsonSchemaType.Array, Items: OpenApiSchema items } ? items : parameter.Schema as OpenApiSchema;
            if (words is not null && values is { Type: { } type } && type.HasFlag(JsonSchemaType.String))
            {
                values.Enum = [.. words.Select(w => (JsonNode)JsonValue.Create(w)!)];
            }
        }
    }

    private static void AddProblemMembers(OpenApiSchema schema)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace, for the logs." };
        schema.Properties["problems"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "Every problem of the request at once, each where it is and what it is.",
            Items = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "path", "message" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["path"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["message"] = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        };
        foreach (var list in new[] { "nodes", "incidents", "missing" })
        {
            schema.Properties[list] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchema { Type = JsonSchemaType.String },
                Description = list switch
                {
                    "nodes" => "422: the nodes a request named that the graph lacks.",
                    "incidents" => "409: the open incidents of a graph to be deleted.",
                    _ => "409: what an incident lacks before it can be reviewed or closed.",
                },
            };
        }

        schema.AdditionalPropertiesAllowed = true;
    }

    private static void AddErrors(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, why) in new[]
                 {
                     ("401", "No API key, or an unknown one."),
                     ("403", "The key's role is too low for this."),
                     ("429", "Over the key's rate limit; Retry-After says when to try again."),
                     ("503", "The store is unavailable or the query ran past its budget; Retry-After says when to try again."),
                 })
        {
            if (!operation.Responses.ContainsKey(status))
            {
                var response = new OpenApiResponse
                {
                    Description = why,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                    },
                };
                if (status is "429" or "503")
                {
                    response.Headers = new Dictionary<string, IOpenApiHeader>
                    {
                        ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                    };
                }

                operation.Responses[status] = response;
            }
        }
    }

    private static void AddHeaders(OpenApiOperation operation, string method, string route)
    {
        operation.Parameters ??= [];
        void Header(string name, string description) =>
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name, In = ParameterLocation.Header, Required = false, Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });

        var versioned = route is "v1/graphs/{graph}" or "v1/graphs/{graph}/nodes/{id}" or "v1/graphs/{graph}/incidents/{id}";
        if (method == "GET" && versioned)
        {
            Header("If-None-Match", "An ETag this service gave: 304 when it is still the current one.");
        }

        if (method is "PUT" or "DELETE" || (method == "POST" && (route.EndsWith("/nodes", StringComparison.Ordinal) || route.EndsWith("/dependencies", StringComparison.Ordinal))))
        {
            Header("If-Match", "The graph version (ETag) this write expects; 412 when it has moved on.");
        }

        if (method == "POST")
        {
            Header("Idempotency-Key", "Up to 200 visible ASCII characters; a retry with the same key and body gets the first answer again.");
        }

        if (route.EndsWith("/events", StringComparison.Ordinal))
        {
            Header("Last-Event-ID", "Resume after this event id.");
        }

        if (operation.Responses is { } responses && (versioned || method is "PUT" or "POST"))
        {
            foreach (var (status, response) in responses.Where(r => r.Key is "200" or "201").ToList())
            {
                if (response is OpenApiResponse concrete && route.StartsWith("v1/graphs/{graph}", StringComparison.Ordinal) && !route.Contains("/impact", StringComparison.Ordinal))
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["ETag"] = new OpenApiHeader
                    {
                        Description = "The graph's version (an incident's revision for an incident).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
            }
        }
    }
}
