// Each test class starts its own app and browser; on a 2-core machine several at once starve each other into
// timeouts, so the classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
