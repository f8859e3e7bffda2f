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

    public const string GraphVersion =
        "MATCH (g:ImpactMapGraph {name: $graph}) RETURN g.version";

    public const string ListGraphs = """
        MATCH (g:ImpactMapGraph)
        OPTIONAL MATCH (n:ImpactMapNode {graph: g.name})
        WITH g, count(n) AS nodes
        OPTIONAL MATCH (:ImpactMapNode {graph: g.name})-[r:DEPENDS_ON]->()
        RETURN g.name, nodes, count(r), g.version
        ORDER BY g.name
        """;

    public const string ReadNodes = """
        MATCH (n:ImpactMapNode {graph: $graph})
        RETURN n.id, n.name, n.kind, n.attributes, n.groups
        ORDER BY n.position
        """;

    public const string ReadDependencies = """
        MATCH (a:ImpactMapNode {graph: $graph})-[r:DEPENDS_ON]->(b:ImpactMapNode)
        RETURN a.id, b.id, r.group, r.effect, r.toleranceSeconds
        ORDER BY r.position
        """;

    public const string DeleteContent =
        "MATCH (n:ImpactMapNode {graph: $graph}) DETACH DELETE n";

    public const string DeleteGraph =
        "MATCH (g:ImpactMapGraph {name: $graph}) DELETE g";

    public const string CreateNodes = """
        UNWIND $rows AS row
        CREATE (:ImpactMapNode {graph: $graph, key: $graph + '/' + row.id, id: row.id, name: row.name, kind: row.kind,
                                attributes: row.attributes, groups: row.groups, position: row.position})
        """;

    public const string CreateDependencies = """
        UNWIND $rows AS row
        MATCH (a:ImpactMapNode {key: $graph + '/' + row.from}), (b:ImpactMapNode {key: $graph + '/' + row.to})
        CREATE (a)-[:DEPENDS_ON {group: row.group, effect: row.effect, toleranceSeconds: row.tolerance, position: row.position}]->(b)
        """;

    public const string SaveGraph = """
        MERGE (g:ImpactMapGraph {name: $graph})
        SET g.version = $version, g.nextPosition = $next
        """;

    public const string SetGraphVersion =
        "MATCH (g:ImpactMapGraph {name: $graph}) SET g.version = $version, g.nextPosition = g.nextPosition + 1 RETURN g.nextPosition";

    public const string PutNode = """
        MERGE (n:ImpactMapNode {key: $graph + '/' + $id})
        ON CREATE SET n.graph = $graph, n.id = $id, n.position = $position
        SET n.name = $name, n.kind = $kind, n.attributes = $attributes, n.groups = $groups
        """;

    public const string RemoveNode =
        "MATCH (n:ImpactMapNode {key: $graph + '/' + $id}) DETACH DELETE n";

    public const string AddDependency = """
        MATCH (a:ImpactMapNode {key: $graph + '/' + $from}), (b:ImpactMapNode {key: $graph + '/' + $to})
        CREATE (a)-[:DEPENDS_ON {group: $group, effect: $effect, toleranceSeconds: $tolerance, position: $position}]->(b)
        """;

    public const string RemoveDependency = """
        MATCH (:ImpactMapNode {key: $graph + '/' + $from})-[r:DEPENDS_ON]->(:ImpactMapNode {key: $graph + '/' + $to})
        DELETE r
        """;

    /// <summary>The schema: one statement per transaction, as Neo4j requires; the syntax depends on the major version.</summary>
    public static IReadOnlyList<string> Schema(int majorVersion) => majorVersion switch
    {
        <= 3 =>
        [
            "CREATE CONSTRAINT ON (n:ImpactMapNode) ASSERT n.key IS UNIQUE",
            "CREATE CONSTRAINT ON (g:ImpactMapGraph) ASSERT g.name IS UNIQUE",
            "CREATE INDEX ON :ImpactMapNode(graph)",
        ],
        4 =>
        [
            "CREATE CONSTRAINT impactmap_node_key IF NOT EXISTS ON (n:ImpactMapNode) ASSERT n.key IS UNIQUE",
            "CREATE CONSTRAINT impactmap_graph_name IF NOT EXISTS ON (g:ImpactMapGraph) ASSERT g.name IS UNIQUE",
            "CREATE INDEX impactmap_node_graph IF NOT EXISTS FOR (n:ImpactMapNode) ON (n.graph)",
        ],
        _ =>
        [
            "CREATE CONSTRAINT impactmap_node_key IF NOT EXISTS FOR (n:ImpactMapNode) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT impactmap_graph_name IF NOT EXISTS FOR (g:ImpactMapGraph) REQUIRE g.name IS UNIQUE",
            "CREATE INDEX impactmap_node_graph IF NOT EXISTS FOR (n:ImpactMapNode) ON (n.graph)",
        ],
    };
}
