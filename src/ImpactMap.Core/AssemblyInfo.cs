using System.Runtime.CompilerServices;

// The benchmark compares the engine with a plain search over the very same arrays; the tests reach the
// resilience ranking's per-node path, which only very large graphs take on their own.
[assembly: InternalsVisibleTo("ImpactMap.Bench")]
[assembly: InternalsVisibleTo("ImpactMap.Core.Tests")]
