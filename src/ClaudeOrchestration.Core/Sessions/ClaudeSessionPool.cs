using System.ComponentModel.DataAnnotations;
using ClaudeOrchestration.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Sessions;

/// <summary>Settings of a <see cref="ClaudeSessionPool"/>; bound from configuration and validated at start-up.</summary>
public sealed class ClaudeSessionPoolOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "ClaudeOrchestration:Sessions";

    /// <summary>
    /// The most sessions (CLI processes, about 200 MB each) the pool keeps, starting ones included. A new key beyond it
    /// closes the least recently used idle session, or waits for one to become idle. Default 8.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "MaxSessions must be between 1 and 1024.")]
    public int MaxSessions { get; set; } = 8;

    /// <summary>How long a session may sit unused (no lease) before the pool closes it. Default 10 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the pool looks for idle sessions. Default 30 seconds.</summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When a key's session faulted, or was closed for idleness, the next lease reopens the same conversation with
    /// <c>--resume</c> instead of starting a blank one. Needs the transcript on disk (no
    /// <see cref="ClaudeRunOptions.NoSessionPersistence"/>). Default <see langword="true"/>.
    /// </summary>
    public bool ResumeConversations { get; set; } = true;

    /// <summary>
    /// How long the pool remembers the conversation of a key whose session it closed (for idleness or the cap), so that the
    /// key resumes it when it comes back. After that the key starts a blank conversation, and the memory is freed. Checked
    /// every <see cref="IdleCheckInterval"/>. Default 24 hours.
    /// </summary>
    public TimeSpan ConversationRetention { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Checks <see cref="ClaudeSessionPoolOptions"/>; each message says how to fix the value.</summary>
[OptionsValidator]
internal sealed partial class ClaudeSessionPoolOptionsAnnotationsValidator : IValidateOptions<ClaudeSessionPoolOptions>;

/// <inheritdoc cref="ClaudeSessionPoolOptionsAnnotationsValidator"/>
internal sealed class ClaudeSessionPoolOptionsValidator : IValidateOptions<ClaudeSessionPoolOptions>
{
    private readonly ClaudeSessionPoolOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, ClaudeSessionPoolOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            builder.AddError($"IdleTimeout must be positive (got {options.IdleTimeout}); 00:10:00 is a good default.", nameof(options.IdleTimeout));
        }

        if (options.ConversationRetention <= TimeSpan.Zero)
        {
            builder.AddError($"ConversationRetention must be positive (got {options.ConversationRetention}); 1.00:00:00 is a good default.", nameof(options.ConversationRetention));
        }

        if (options.IdleCheckInterval <= TimeSpan.Zero || options.IdleCheckInterval > TimeSpan.FromDays(1))
        {
            builder.AddError($"IdleCheckInterval must be between 0 and 1 day (got {options.IdleCheckInterval}); 00:00:30 is a good default.", nameof(options.IdleCheckInterval));
        }

        return builder.Build();
    }
}

/// <summary>
/// Warm <see cref="ClaudeSession"/>s by key (a user, a conversation, a tenant): a turn on a warm session costs tens of
/// milliseconds where starting a CLI costs about a second. Get-or-create is atomic (two callers for one key share one
/// process), sessions idle for <see cref="ClaudeSessionPoolOptions.IdleTimeout"/> are closed, the number of live sessions is
/// capped, and keys can be prewarmed.
/// </summary>
/// <remarks>
/// Thread-safe. A lease does not make a session exclusive: holders of the same key share it, and its turns run one after the
/// other. The pool's cap is separate from <see cref="ClaudeOrchestrationOptions.MaxConcurrentProcesses"/>, which only limits
/// one-shot runs.
/// </remarks>
public sealed class ClaudeSessionPool : IAsyncDisposable, IDisposable
{
    private readonly ClaudeSessionFactory _factory;
    private readonly ClaudeSessionPoolOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string SessionId, long RememberedAt)> _conversations = new(StringComparer.Ordinal);
    private readonly List<Task> _closing = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ITimer _timer;
    private TaskCompletionSource _capacityChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    /// <summary>Creates a pool (normally resolved from DI after <c>AddClaudeSessions</c>).</summary>
    /// <param name="factory">Starts the sessions.</param>
    /// <param name="options">The pool's settings.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for idle expiry, or <see langword="null"/> for the system clock.</param>
    public ClaudeSessionPool(
        ClaudeSessionFactory factory,
        IOptions<ClaudeSessionPoolOptions> options,
        ILogger<ClaudeSessionPool>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        _factory = factory;
        _options = options.Value;
        var validation = new ClaudeSessionPoolOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(ClaudeSessionPoolOptions), validation.Failures);
        }
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _timer = _time.CreateTimer(static s => ((ClaudeSessionPool)s!).EvictIdle(), this, _options.IdleCheckInterval, _options.IdleCheckInterval);
    }

    /// <summary>How many sessions the pool holds now (starting ones included).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>How many closed sessions' conversations the pool remembers for their keys (for tests).</summary>
    internal int RememberedConversationCount
    {
        get
        {
            lock (_gate)
            {
                return _conversations.Count;
            }
        }
    }

    /// <summary>The keys the pool holds sessions for.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Keys];
            }
        }
    }

    /// <summary>
    /// Leases the session for <paramref name="key"/>, starting it when there is none (or reopening it when it faulted).
    /// Dispose the lease when done; the session stays warm for the next caller.
    /// </summary>
    /// <param name="key">Identifies the conversation.</param>
    /// <param name="options">
    /// Settings used when a session has to be started. When the key already has a session, they must be equivalent to the
    /// ones it was started with (the same callbacks, hooks and servers by reference, equal timeouts and CLI flags), or
    /// <see langword="null"/> to take the key's session as it is (<see cref="ClaudeSession.Options"/> shows them).
    /// </param>
    /// <param name="cancellationToken">Stops waiting; a start already under way continues for other callers.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="ArgumentException">The key's session was started with other options; remove the key first to change them.</exception>
    public async Task<ClaudeSessionLease> GetOrCreateAsync(string key, ClaudeSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        while (true)
        {
            var entry = await AcquireEntryAsync(key, options, cancellationToken).ConfigureAwait(false);
            ClaudeSession? session;
            try
            {
                session = await WaitForLiveSessionAsync(key, entry, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Release(entry, failed: true);
                throw;
            }

            if (session is not null)
            {
                return new ClaudeSessionLease(this, entry, session);
            }

            // Removed (or evicted) while we waited: never resume a conversation the pool was told to forget; start over.
            Release(entry);
        }
    }

    /// <summary>The entry's live session, reopening a dead one in place; <see langword="null"/> when the entry left the pool.</summary>
    private async Task<ClaudeSession?> WaitForLiveSessionAsync(string key, Entry entry, CancellationToken cancellationToken)
    {
        while (true)
        {
            var starting = entry.Session;
            var session = await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
            // An exited process counts as dead even before the session's reader has noticed and faulted it.
            if (session.State is not (ClaudeSessionState.Faulted or ClaudeSessionState.Closed) && !session.Completion.IsCompleted)
            {
                return session;
            }

            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_entries.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
                {
                    return null;
                }

                if (ReferenceEquals(entry.Session, starting))
                {
                    // Dead process: reopen the conversation in its place, once, for every caller of this key.
                    Log.PoolSessionResuming(_logger, key, session.SessionId);
                    entry.Session = SignalCapacityWhenDone(ReopenAsync(session, entry.Options));
                }
            }
        }
    }

    /// <summary>Starts the session for <paramref name="key"/> now, so the first real caller finds it warm.</summary>
    /// <param name="key">Identifies the conversation.</param>
    /// <param name="options">The session's settings.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the session is ready.</returns>
    public async Task PrewarmAsync(string key, ClaudeSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var lease = await GetOrCreateAsync(key, options, cancellationToken).ConfigureAwait(false);
        await lease.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the session for <paramref name="key"/> and forgets its conversation.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the pool held a session for it.</returns>
    public async Task<bool> RemoveAsync(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Entry? entry;
        lock (_gate)
        {
            _conversations.Remove(key);
            if (!_entries.Remove(key, out entry))
            {
                return false;
            }

            SignalCapacity();
        }

        await CloseAsync(entry, "removed").ConfigureAwait(false);
        return true;
    }

    /// <summary>Closes every session and stops the idle timer. Leases still held see their sessions closed.</summary>
    /// <returns>A task that completes when every process has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        Entry[] entries;
        Task[] closing;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
            _capacityChanged.TrySetException(new ObjectDisposedException(nameof(ClaudeSessionPool)));
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(entries.Select(e => CloseAsync(e, "pool disposed"))).ConfigureAwait(false);
        lock (_gate)
        {
            closing = [.. _closing];
        }

        await Task.WhenAll(closing).ConfigureAwait(false);
        _lifetime.Dispose();
    }

    /// <summary>
    /// Closes every session, blocking until their processes have stopped. Prefer <see cref="DisposeAsync"/>; this exists
    /// because a container disposed synchronously refuses singletons that are only async-disposable.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal void Release(Entry entry, bool failed = false)
    {
        lock (_gate)
        {
            entry.Leases--;
            if (entry.Leases > 0)
            {
                return;
            }

            entry.IdleSince = _time.GetTimestamp();
            if (failed && entry.Session.IsFaulted && _entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
            {
                // The start failed and nobody else waits: forget it, so the next caller tries again.
                _entries.Remove(entry.Key);
            }

            SignalCapacity();
        }
    }

    private async Task<Entry> AcquireEntryAsync(string key, ClaudeSessionOptions? options, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task capacity;
            Entry? victim = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_entries.TryGetValue(key, out var existing))
                {
                    if (options is not null && !options.IsEquivalentTo(existing.Options))
                    {
                        // Never hand a caller a session wired to another caller's CanUseTool, hooks or flags.
                        throw new ArgumentException(
                            $"The pool already holds a session for key '{key}', started with other ClaudeSessionOptions (callbacks, hooks, servers, timeouts or CLI flags differ). " +
                            "Pass the same options (or null to take the key's session as it is), or RemoveAsync the key first to start it with new options.",
                            nameof(options));
                    }

                    if (existing.Session.IsFaulted || existing.Session.IsCanceled)
                    {
                        // A start that failed after all its callers gave up: try again rather than hand out its old error.
                        existing.Session = SignalCapacityWhenDone(StartAsync(existing));
                    }

                    existing.Leases++;
                    return existing;
                }

                if (_entries.Count >= _options.MaxSessions)
                {
                    victim = _entries.Values
                        .Where(e => e.Leases == 0 && e.Session.IsCompleted)
                        .OrderBy(e => e.IdleSince)
                        .FirstOrDefault();
                    if (victim is not null)
                    {
                        _entries.Remove(victim.Key);
                        Remember(victim);
                    }
                }

                if (_entries.Count < _options.MaxSessions)
                {
                    var entry = new Entry(key, options ?? new ClaudeSessionOptions()) { Leases = 1 };
                    entry.Session = SignalCapacityWhenDone(StartAsync(entry));
                    _entries[key] = entry;
                    if (victim is not null)
                    {
                        TrackClose(victim, "least recently used, pool full");
                    }

                    return entry;
                }

                capacity = _capacityChanged.Task;
            }

            // Every session is leased or starting: wait for one to be released or removed.
            await capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<ClaudeSession> StartAsync(Entry entry)
    {
        string? conversation;
        lock (_gate)
        {
            conversation = _conversations.TryGetValue(entry.Key, out var remembered) ? remembered.SessionId : null;
        }

        return Task.Run(async () =>
        {
            Log.PoolSessionCreated(_logger, entry.Key);
            if (conversation is not null && _options.ResumeConversations && !entry.Options.RunOptions.NoSessionPersistence)
            {
                try
                {
                    return await _factory.StartAsync(entry.Options.ForResume(conversation, fork: false), _lifetime.Token).ConfigureAwait(false);
                }
                catch (ClaudeException ex) when (IsMissingConversation(ex))
                {
                    // The transcript is gone (or never written): start a blank conversation rather than fail the key forever.
                    // Any other failure (auth, a crash at start-up) is the caller's to see, with the history kept on disk.
                }
            }

            return await _factory.StartAsync(entry.Options, _lifetime.Token).ConfigureAwait(false);
        });
    }

    private Task<ClaudeSession> ReopenAsync(ClaudeSession dead, ClaudeSessionOptions options) => Task.Run(async () =>
    {
        TrackClose(dead);
        if (_options.ResumeConversations && dead.SessionId is not null && !options.RunOptions.NoSessionPersistence)
        {
            try
            {
                return await dead.ResumeAsync(_lifetime.Token).ConfigureAwait(false);
            }
            catch (ClaudeException ex) when (IsMissingConversation(ex))
            {
                // No transcript to resume: fall back to a blank conversation.
            }
        }

        return await _factory.StartAsync(options, _lifetime.Token).ConfigureAwait(false);
    });

    /// <summary>The CLI's answer to <c>--resume</c> with an unknown id (SPEC §6): exit 1, "No conversation found…".</summary>
    private static bool IsMissingConversation(ClaudeException exception) =>
        exception is ClaudeProcessException process
        && process.StderrTail.Any(line => line.Contains("No conversation found", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Wakes callers waiting for capacity when a start ends: a start whose callers all gave up holds a slot that only
    /// becomes evictable then.
    /// </summary>
    private Task<ClaudeSession> SignalCapacityWhenDone(Task<ClaudeSession> start)
    {
        _ = start.ContinueWith(
            static (_, state) =>
            {
                var pool = (ClaudeSessionPool)state!;
                lock (pool._gate)
                {
                    pool.SignalCapacity();
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return start;
    }

    private void EvictIdle()
    {
        var now = _time.GetTimestamp();
        List<Entry> expired = [];
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var entry in _entries.Values)
            {
                if (entry.Leases == 0 && entry.Session.IsCompleted && _time.GetElapsedTime(entry.IdleSince, now) >= _options.IdleTimeout)
                {
                    expired.Add(entry);
                }
            }

            foreach (var entry in expired)
            {
                _entries.Remove(entry.Key);
                Remember(entry);
                TrackClose(entry, "idle");
            }

            if (expired.Count > 0)
            {
                SignalCapacity();
            }

            foreach (var (key, (_, rememberedAt)) in _conversations.ToArray())
            {
                if (_time.GetElapsedTime(rememberedAt, now) >= _options.ConversationRetention)
                {
                    _conversations.Remove(key);
                }
            }
        }
    }

    private void Remember(Entry entry)
    {
        if (entry.Session.IsCompletedSuccessfully && entry.Session.Result.SessionId is { } id)
        {
            _conversations[entry.Key] = (id, _time.GetTimestamp());
        }
    }

    private void TrackClose(Entry entry, string reason)
    {
        var task = CloseAsync(entry, reason);
        lock (_gate)
        {
            _closing.RemoveAll(t => t.IsCompleted);
            _closing.Add(task);
        }
    }

    private void TrackClose(ClaudeSession session)
    {
        var task = session.DisposeAsync().AsTask();
        lock (_gate)
        {
            _closing.RemoveAll(t => t.IsCompleted);
            _closing.Add(task);
        }
    }

    private async Task CloseAsync(Entry entry, string reason)
    {
        try
        {
            var session = await entry.Session.ConfigureAwait(false);
            Log.PoolSessionEvicted(_logger, entry.Key, reason);
            await session.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A session that never started has nothing to close; anything else is logged, not thrown at the evicting caller.
            if (!entry.Session.IsFaulted && !entry.Session.IsCanceled)
            {
                Log.PoolCloseFailed(_logger, entry.Key, ex);
            }
        }
    }

    private void SignalCapacity()
    {
        var previous = _capacityChanged;
        _capacityChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    internal sealed class Entry(string key, ClaudeSessionOptions options)
    {
        public string Key { get; } = key;

        public ClaudeSessionOptions Options { get; } = options;

        public Task<ClaudeSession> Session { get; set; } = null!;

        public int Leases { get; set; }

        public long IdleSince { get; set; }
    }
}

/// <summary>A claim on a pooled <see cref="ClaudeSession"/>. Dispose it when done: the session stays warm in the pool.</summary>
public sealed class ClaudeSessionLease : IAsyncDisposable, IDisposable
{
    private readonly ClaudeSessionPool _pool;
    private readonly ClaudeSessionPool.Entry _entry;
    private int _released;

    internal ClaudeSessionLease(ClaudeSessionPool pool, ClaudeSessionPool.Entry entry, ClaudeSession session)
    {
        _pool = pool;
        _entry = entry;
        Session = session;
    }

    /// <summary>The pool key.</summary>
    public string Key => _entry.Key;

    /// <summary>The session. Do not dispose it: the pool owns it.</summary>
    public ClaudeSession Session { get; }

    /// <summary>Returns the session to the pool; the idle clock starts when the last lease is returned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _pool.Release(_entry);
        }
    }

    /// <summary>Returns the session to the pool.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
