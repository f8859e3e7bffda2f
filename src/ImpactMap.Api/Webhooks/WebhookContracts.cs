namespace ImpactMap.Api.Webhooks;

/// <summary>POST …/webhooks: where to send, which events, optionally the parties whose own notices to send, and the signing secret (generated when absent).</summary>
public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events, IReadOnlyList<string>? Nodes, string? Secret);

/// <summary>A subscription; <c>secret</c> only in the answer that created it. <c>failing</c> once a delivery was given up after retrying for ImpactMap:Webhooks:RetryFor.</summary>
public sealed record WebhookResponse(
    string Id, string Graph, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? Nodes, DateTimeOffset CreatedAt, bool Failing,
    DateTimeOffset? FailingSince, string? Secret = null);

/// <summary>
/// One delivery: its <c>webhookId</c> (the receiver de-duplicates on it), the event, <c>status</c> pending,
/// delivered or failed, the attempts made, the last answer or error, and when it is tried next.
/// </summary>
public sealed record DeliveryResponse(
    string WebhookId, long Event, string Type, string? Node, string Status, int Attempts, int? LastStatus, string? LastError, DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt);

/// <summary>The delivery log, newest first: those still pending, then those done.</summary>
public sealed record DeliveryLogResponse(IReadOnlyList<DeliveryResponse> Items);
