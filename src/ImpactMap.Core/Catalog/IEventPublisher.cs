namespace ImpactMap.Core.Catalog;

/// <summary>Where the catalog and the incident service say that events were stored with a change, so that this instance's streams and senders wake at once.</summary>
public interface IEventPublisher
{
    /// <summary>Events of a change were stored (in the change's own transaction); wake whoever reads them.</summary>
    void Stored();
}
