using System.Runtime.CompilerServices;

// The benchmark compares the engine with a plain search over the very same arrays.
[assembly: InternalsVisibleTo("ImpactMap.Bench")]
