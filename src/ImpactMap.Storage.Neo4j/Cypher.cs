namespace ImpactMap.Storage.Neo4j;

/// <summary>
/// Every statement the store sends, as constants with parameters: ids, names and attributes never enter the
/// text. All of it runs on Neo4j 3.x, 4.x and 5.x; only the schema statements differ, and they are together
/// at the end.
/// </summary>
internal static class Cypher
{
    public const string EnsureSequence =
        "MERGE (s:ImpactMapSequence {id: 1}) ON CREATE SET s.lastVersion = 0 RETURN s.lastVersion";

    /// <summary>Taking the next version writes the one sequence node, so every writer queues here first.</summary>
    public const string NextVersion =
        "MATCH (s:ImpactMapSequence {id: 1}) SET s.lastVersion = s.lastVersion + 1 RETURN s.lastVersion";

    /// <summary>The graph's version and the part its content lives in (a graph written before parts: its name).</summary>
    public const string GraphVersion =
        "MATCH (g:ImpactMapGraph {name: $graph}) RETURN g.version, coalesce(g.part, g.name)";

    /// <summary>
    /// Neo4j reads committed data without snapshots, and a reader holding no lock can see a committing write's
    /// new version before all of its changes. Writing the graph node first takes its lock, which a writer holds
    /// until its commit has been applied whole, so the reads after it in the same transaction see all of it.
    /// </summary>
    public const string LockGraphForRead =
        "MATCH (g:ImpactMapGraph {name: $graph}) SET g.readAt = timestamp() RETURN g.version";

    /// <summary>
    /// Dependencies are counted from each node's degree, which Neo4j keeps, rather than by walking them: a
    /// million-dependency graph lists in the time its nodes take. Neo4j 5 dropped pattern expressions in
    /// <c>size()</c> for <c>COUNT {}</c>, which 3.x and 4.x lack.
    /// </summary>
    public static string ListGraphs(int majorVersion) => $$"""
        MATCH (g:ImpactMapGraph)
        OPTIONAL MATCH (n:ImpactMapNode {graph: coalesce(g.part, g.name)})
        WITH g, count(n) AS nodes, sum({{(majorVersion >= 5 ? "COUNT { (n)-[:DEPENDS_ON]->() }" : "size((n)-[:DEPENDS_ON]->())")}}) AS dependencies
        RETURN g.name, nodes, coalesce(dependencies, 0), g.version
        ORDER BY g.name
        """;

    /// <summary>Where the graph's content is, how many nodes it has and its highest node position: what a paged read needs.</summary>
    public const string GraphContent = """
        MATCH (g:ImpactMapGraph {name: $graph})
        WITH coalesce(g.part, g.name) AS part
        OPTIONAL MATCH (n:ImpactMapNode {graph: part})
        RETURN part, count(n), max(n.position)
        """;

    /// <summary>
    /// The nodes of one range of positions. Unordered, so that Neo4j streams them rather than sorting a page in its
    /// heap; the reader orders by position. The part is a parameter, so the index on graph finds its nodes.
    /// </summary>
    public const string ReadNodesPage = """
        MATCH (n:ImpactMapNode {graph: $part}) WHERE n.position >= $from AND n.position < $to
        RETURN n.id, n.name, n.kind, n.attributes, n.groups, n.availability, n.position
        """;

    /// <summary>The dependencies of the nodes of one range of positions (each found from its dependent), unordered.</summary>
    public const string ReadDependenciesPage = """
        MATCH (a:ImpactMapNode {graph: $part}) WHERE a.position >= $from AND a.position < $to
        MATCH (a)-[r:DEPENDS_ON]->(b:ImpactMapNode)
        RETURN a.id, b.id, r.group, r.effect, r.toleranceSeconds, r.position
        """;

    /// <summary>Deletes the graph node and leaves its part to be swept, marked stale from the start.</summary>
    public const string DeleteGraph = """
        MATCH (g:ImpactMapGraph {name: $graph})
        WITH g, coalesce(g.part, g.name) AS old
        DELETE g
        MERGE (p:ImpactMapPart {part: old}) SET p.graph = $graph, p.touched = 0
        """;

    /// <summary>A part being written: invisible to readers until a graph switches to it, swept if its writer goes quiet.</summary>
    public const string StartPart =
        "CREATE (:ImpactMapPart {part: $part, graph: $graph, touched: timestamp()})";

    public const string TouchPart =
        "MATCH (p:ImpactMapPart {part: $part}) SET p.touched = timestamp() RETURN count(p)";

    /// <summary>
    /// Makes the written part the graph's content in one small step: the graph node's lock orders it with
    /// readers, the part's bookkeeping goes (a live part is never swept), the part it replaces is left to be
    /// swept. No row comes back when the part was swept meanwhile (its writer was quiet too long).
    /// </summary>
    public const string SwitchPart = """
        MATCH (p:ImpactMapPart {part: $part})
        DELETE p
        MERGE (g:ImpactMapGraph {name: $graph})
        WITH g, coalesce(g.part, g.name) AS old
        SET g.version = $version, g.nextPosition = $next, g.part = $part
        MERGE (o:ImpactMapPart {part: old}) SET o.graph = $graph, o.touched = 0
        RETURN old
        """;

    /// <summary>Parts no graph shows whose writer, if any, has been quiet for <c>$quiet</c> ms by Neo4j's clock (the one that stamped them).</summary>
    public const string StaleParts =
        "MATCH (p:ImpactMapPart) WHERE p.touched < timestamp() - $quiet RETURN p.part LIMIT 100";

    public const string AbandonPart =
        "MATCH (p:ImpactMapPart {part: $part}) SET p.touched = 0";

    /// <summary>A batch of a part's dependencies deleted; the part's lock is taken first, so sweepers of one part take turns.</summary>
    public const string SweepDependencies = """
        MATCH (p:ImpactMapPart {part: $part})
        SET p.touched = 0
        WITH p
        MATCH (:ImpactMapNode {graph: $part})-[r:DEPENDS_ON]->()
        WITH r LIMIT $max
        DELETE r
        RETURN count(*)
        """;

    public const string SweepNodes = """
        MATCH (p:ImpactMapPart {part: $part})
        SET p.touched = 0
        WITH p
        MATCH (n:ImpactMapNode {graph: $part})
        WITH n LIMIT $max
        DETACH DELETE n
        RETURN count(*)
        """;

    /// <summary>
    /// A part is forgotten once it is empty, and never while a graph shows it. Its lock is taken first: a batch
    /// still being written into it (which touches the part before writing) has committed by then, so its nodes
    /// are counted, and the part stays for the next sweep.
    /// </summary>
    public const string ForgetPart = """
        MATCH (p:ImpactMapPart {part: $part})
        SET p.touched = 0
        WITH p
        OPTIONAL MATCH (n:ImpactMapNode {graph: $part})
        WITH p, count(n) AS left
        OPTIONAL MATCH (g:ImpactMapGraph {part: $part})
        WITH p, left, g WHERE left = 0 AND g IS NULL
        DELETE p
        """;

    /// <summary>Writes into a part still being written only: a part swept meanwhile takes nothing (sent after <see cref="TouchPart"/>, which locks it).</summary>
    public const string CreateNodes = """
        MATCH (:ImpactMapPart {part: $part})
        UNWIND $rows AS row
        CREATE (:ImpactMapNode {graph: $part, key: $part + '/' + row.id, id: row.id, name: row.name, kind: row.kind,
                                attributes: row.attributes, groups: row.groups, availability: row.availability, position: row.position})
        """;

    public const string CreateDependencies = """
        MATCH (:ImpactMapPart {part: $part})
        UNWIND $rows AS row
        MATCH (a:ImpactMapNode {key: $part + '/' + row.from}), (b:ImpactMapNode {key: $part + '/' + row.to})
        CREATE (a)-[:DEPENDS_ON {group: row.group, effect: row.effect, toleranceSeconds: row.tolerance, position: row.position}]->(b)
        """;

    public const string SetGraphVersion =
        "MATCH (g:ImpactMapGraph {name: $graph}) SET g.version = $version, g.nextPosition = g.nextPosition + $count RETURN g.nextPosition";

    public const string PutNodes = """
        UNWIND $rows AS row
        MERGE (n:ImpactMapNode {key: $part + '/' + row.id})
        ON CREATE SET n.graph = $part, n.id = row.id, n.position = row.position
        SET n.name = row.name, n.kind = row.kind, n.attributes = row.attributes, n.groups = row.groups, n.availability = row.availability
        """;

    public const string RemoveNodes = """
        UNWIND $rows AS row
        MATCH (n:ImpactMapNode {key: $part + '/' + row.id}) DETACH DELETE n
        """;

    public const string PutDependencies = """
        UNWIND $rows AS row
        MATCH (a:ImpactMapNode {key: $part + '/' + row.from}), (b:ImpactMapNode {key: $part + '/' + row.to})
        MERGE (a)-[r:DEPENDS_ON]->(b)
        ON CREATE SET r.position = row.position
        SET r.group = row.group, r.effect = row.effect, r.toleranceSeconds = row.tolerance
        """;

    public const string RemoveDependencies = """
        UNWIND $rows AS row
        MATCH (:ImpactMapNode {key: $part + '/' + row.from})-[r:DEPENDS_ON]->(:ImpactMapNode {key: $part + '/' + row.to})
        DELETE r
        """;

    public const string EnsureEventSequence =
        "MERGE (s:ImpactMapSequence {id: 2}) ON CREATE SET s.lastVersion = 0 RETURN s.lastVersion";

    public const string CreateIncident = """
        CREATE (:ImpactMapIncident {key: $graph + '/' + $id, graph: $graph, id: $id, status: $status, openedAt: $opened,
                                    revision: $revision, document: $document, summary: $summary, impact: $impact})
        """;

    /// <summary>The document and, apart from it, the impact (null for an incident stored whole, before they were apart).</summary>
    public const string GetIncident =
        "MATCH (i:ImpactMapIncident {key: $graph + '/' + $id}) RETURN i.document, i.impact";

    public const string IncidentRevision =
        "MATCH (i:ImpactMapIncident {key: $graph + '/' + $id}) RETURN i.revision";

    /// <summary>Summaries only: a list reads a few hundred bytes per incident, never an incident's impact.</summary>
    public const string ListIncidents = """
        MATCH (i:ImpactMapIncident)
        WHERE ($graph IS NULL OR i.graph = $graph) AND ($status IS NULL OR i.status = $status) AND NOT ($open AND i.status = 'closed')
        RETURN i.summary
        ORDER BY i.graph, i.openedAt DESC, i.id
        """;

    /// <summary>Incidents stored before summaries were kept, a batch at a time, for their summary to be written.</summary>
    public const string UnsummarizedIncidents =
        "MATCH (i:ImpactMapIncident) WHERE i.summary IS NULL RETURN i.graph, i.id, i.document, i.impact LIMIT 100";

    public const string SetIncidentSummary =
        "MATCH (i:ImpactMapIncident {key: $graph + '/' + $id}) SET i.summary = $summary";

    public const string ListOpenIncidents = """
        MATCH (i:ImpactMapIncident)
        WHERE i.status <> 'closed' AND ($graph IS NULL OR i.graph = $graph)
        RETURN i.document, i.impact ORDER BY i.graph, i.openedAt DESC, i.id
        """;

    public const string DeleteIncidents = """
        MATCH (i:ImpactMapIncident {graph: $graph})
        DELETE i
        RETURN count(*)
        """;

    public const string DeleteEvents = """
        MATCH (e:ImpactMapEvent {graph: $graph}) WHERE e.id <= $upTo
        DELETE e
        """;

    /// <summary>Writing the node first takes its lock, so the revision read after it is the one this save replaces.</summary>
    public const string LockIncident =
        "MATCH (i:ImpactMapIncident {key: $graph + '/' + $id}) SET i.locked = true RETURN i.revision, i.impact IS NOT NULL";

    public const string SaveIncident = """
        MATCH (i:ImpactMapIncident {key: $graph + '/' + $id})
        SET i.status = $status, i.revision = $revision, i.document = $document, i.summary = $summary, i.impact = $impact
        REMOVE i.locked
        """;

    /// <summary>An update that left the impact as it was: the stored impact stays, unwritten.</summary>
    public const string SaveIncidentKeepingImpact = """
        MATCH (i:ImpactMapIncident {key: $graph + '/' + $id})
        SET i.status = $status, i.revision = $revision, i.document = $document, i.summary = $summary
        REMOVE i.locked
        """;

    public const string AppendEvent = """
        MATCH (s:ImpactMapSequence {id: 2}) SET s.lastVersion = s.lastVersion + 1
        CREATE (e:ImpactMapEvent {id: s.lastVersion, graph: $graph, type: $type, data: $data, at: $at})
        RETURN e.id
        """;

    public const string ReadEvents = """
        MATCH (e:ImpactMapEvent {graph: $graph}) WHERE e.id > $after
        RETURN e.id, e.graph, e.type, e.data, e.at ORDER BY e.id LIMIT $max
        """;

    public const string LastEventId =
        "MATCH (s:ImpactMapSequence {id: 2}) RETURN s.lastVersion";

    public const string FindResponse = """
        MATCH (r:ImpactMapIdempotency {key: $key}) WHERE r.at >= $since
        RETURN r.requestHash, r.status, r.contentType, r.location, r.etag, r.body
        """;

    public const string ForgetExpiredResponse =
        "MATCH (r:ImpactMapIdempotency {key: $key}) WHERE r.at < $since DELETE r";

    public const string ForgetResponsesBefore = """
        MATCH (r:ImpactMapIdempotency) WHERE r.at < $before
        WITH r LIMIT $batch
        DELETE r
        RETURN count(*)
        """;

    public const string SaveResponse = """
        MERGE (r:ImpactMapIdempotency {key: $key})
        ON CREATE SET r.requestHash = $hash, r.status = $status, r.contentType = $type, r.location = $location,
                      r.etag = $etag, r.body = $body, r.at = $at
        """;

    public const string GetRecord =
        "MATCH (r:ImpactMapRecord {key: $collection + '/' + $graph + '/' + $id}) RETURN r.revision, r.data";

    public const string ListRecords = """
        MATCH (r:ImpactMapRecord {collection: $collection})
        WHERE ($graph IS NULL OR r.graph = $graph) AND r.id > $after
        RETURN r.graph, r.id, r.revision, r.data ORDER BY r.id, r.graph LIMIT $max
        """;

    /// <summary>MERGE then SET takes the record's lock, so the revision read after it is the one this write replaces.</summary>
    public const string LockRecord = """
        MERGE (r:ImpactMapRecord {key: $collection + '/' + $graph + '/' + $id})
        ON CREATE SET r.collection = $collection, r.graph = $graph, r.id = $id, r.revision = 0
        SET r.locked = true
        RETURN r.revision
        """;

    public const string SaveRecord = """
        MATCH (r:ImpactMapRecord {key: $collection + '/' + $graph + '/' + $id})
        SET r.revision = $revision, r.data = $data
        REMOVE r.locked
        """;

    public const string DeleteRecord = """
        MATCH (r:ImpactMapRecord {key: $collection + '/' + $graph + '/' + $id})
        DELETE r
        RETURN count(*)
        """;

    public const string DeleteRecords =
        "MATCH (r:ImpactMapRecord {graph: $graph}) DELETE r";

    /// <summary>Writing first takes the lock; the holder and expiry read after it are those of the last committed lease.</summary>
    public const string LeaseRecord = """
        MATCH (r:ImpactMapRecord {key: $collection + '/' + $graph + '/' + $id})
        SET r.locked = true
        WITH r, (r.revision > 0 AND (r.leaseHolder IS NULL OR r.leaseHolder = $holder OR r.leaseUntil < $now)) AS free
        SET r.leaseHolder = CASE WHEN free THEN $holder ELSE r.leaseHolder END,
            r.leaseUntil = CASE WHEN free THEN $until ELSE r.leaseUntil END
        REMOVE r.locked
        RETURN free
        """;

    /// <summary>The schema: one statement per transaction, as Neo4j requires; the syntax depends on the major version.</summary>
    public static IReadOnlyList<string> Schema(int majorVersion) => majorVersion switch
    {
        <= 3 =>
        [
            "CREATE CONSTRAINT ON (n:ImpactMapNode) ASSERT n.key IS UNIQUE",
            "CREATE CONSTRAINT ON (g:ImpactMapGraph) ASSERT g.name IS UNIQUE",
            "CREATE INDEX ON :ImpactMapNode(graph)",
            "CREATE CONSTRAINT ON (i:ImpactMapIncident) ASSERT i.key IS UNIQUE",
            "CREATE INDEX ON :ImpactMapEvent(graph)",
            "CREATE CONSTRAINT ON (r:ImpactMapIdempotency) ASSERT r.key IS UNIQUE",
            "CREATE CONSTRAINT ON (r:ImpactMapRecord) ASSERT r.key IS UNIQUE",
            "CREATE INDEX ON :ImpactMapRecord(collection)",
            "CREATE CONSTRAINT ON (p:ImpactMapPart) ASSERT p.part IS UNIQUE",
        ],
        4 =>
        [
            "CREATE CONSTRAINT impactmap_node_key IF NOT EXISTS ON (n:ImpactMapNode) ASSERT n.key IS UNIQUE",
            "CREATE CONSTRAINT impactmap_graph_name IF NOT EXISTS ON (g:ImpactMapGraph) ASSERT g.name IS UNIQUE",
            "CREATE INDEX impactmap_node_graph IF NOT EXISTS FOR (n:ImpactMapNode) ON (n.graph)",
            "CREATE CONSTRAINT impactmap_incident_key IF NOT EXISTS ON (i:ImpactMapIncident) ASSERT i.key IS UNIQUE",
            "CREATE INDEX impactmap_event_graph IF NOT EXISTS FOR (e:ImpactMapEvent) ON (e.graph)",
            "CREATE CONSTRAINT impactmap_idempotency_key IF NOT EXISTS ON (r:ImpactMapIdempotency) ASSERT r.key IS UNIQUE",
            "CREATE CONSTRAINT impactmap_record_key IF NOT EXISTS ON (r:ImpactMapRecord) ASSERT r.key IS UNIQUE",
            "CREATE INDEX impactmap_record_collection IF NOT EXISTS FOR (r:ImpactMapRecord) ON (r.collection)",
            "CREATE CONSTRAINT impactmap_part IF NOT EXISTS ON (p:ImpactMapPart) ASSERT p.part IS UNIQUE",
        ],
        _ =>
        [
            "CREATE CONSTRAINT impactmap_node_key IF NOT EXISTS FOR (n:ImpactMapNode) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT impactmap_graph_name IF NOT EXISTS FOR (g:ImpactMapGraph) REQUIRE g.name IS UNIQUE",
            "CREATE INDEX impactmap_node_graph IF NOT EXISTS FOR (n:ImpactMapNode) ON (n.graph)",
            "CREATE CONSTRAINT impactmap_incident_key IF NOT EXISTS FOR (i:ImpactMapIncident) REQUIRE i.key IS UNIQUE",
            "CREATE INDEX impactmap_event_graph IF NOT EXISTS FOR (e:ImpactMapEvent) ON (e.graph)",
            "CREATE CONSTRAINT impactmap_idempotency_key IF NOT EXISTS FOR (r:ImpactMapIdempotency) REQUIRE r.key IS UNIQUE",
            "CREATE CONSTRAINT impactmap_record_key IF NOT EXISTS FOR (r:ImpactMapRecord) REQUIRE r.key IS UNIQUE",
            "CREATE INDEX impactmap_record_collection IF NOT EXISTS FOR (r:ImpactMapRecord) ON (r.collection)",
            "CREATE CONSTRAINT impactmap_part IF NOT EXISTS FOR (p:ImpactMapPart) REQUIRE p.part IS UNIQUE",
        ],
    };
}
