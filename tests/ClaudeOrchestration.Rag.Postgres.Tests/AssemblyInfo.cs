// PGlite is one PostgreSQL session behind a socket server: statements from test classes running side by side interleave
// in it (an unnamed prepared statement of one connection replaced by another's, transactions crossing), which a real
// server never does. The classes run one at a time; the tests' own concurrency stays.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
