using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LiveAvatar.Engine.Live;
using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;
using NAudio.Wave;

namespace LiveAvatar.Web.Live;

/// <summary>A client broke the protocol: the error event to send and how to close.</summary>
public sealed class LiveProtocolException(string code, string message, int closeCode = LiveProtocol.CloseCodes.PolicyViolation,
    IReadOnlyDictionary<string, string[]>? problems = null) : Exception(message)
{
    public string Code { get; } = code;
    public int CloseCode { get; } = closeCode;
    public IReadOnlyDictionary<string, string[]>? Problems { get; } = problems;
}

/// <summary>
/// One WebSocket on /api/v1/live, start to close: reads the start message, takes the live slot, runs the engine's
/// session with this socket's audio, forwards its updates as events (and segments), and on stop stores the recording
/// as a run in the history. A client that goes away counts as a stop: what it sent is still generated and kept.
/// </summary>
public sealed partial class LiveSocketSession(
    WebSocket socket, LiveSessions sessions, UploadStore uploads, HistoryStore history, DataFolders folders,
    ClientIdentity client, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim sendLock = new(1, 1);

    public async Task RunAsync(CancellationToken aborted)
    {
        try
        {
            await RunCheckedAsync(aborted);
        }
        catch (LiveProtocolException e)
        {
            await FailAsync(LiveEvent.Error(e.Code, e.Message, e.Problems), e.CloseCode);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException && aborted.IsCancellationRequested)
        {
            // The client went away; nothing to tell it.
        }
    }

    private async Task RunCheckedAsync(CancellationToken aborted)
    {
        var start = await ReceiveStartAsync(aborted);
        if (sessions.Host is not { } host)
            throw new LiveProtocolException("unavailable", "This server has no live-capable generator.", LiveProtocol.CloseCodes.TryAgainLater);
        var image = await ResolveImageAsync(start, aborted);
        var id = DataFolders.NewId();
        var request = new LiveSessionRequest
        {
            ImagePath = uploads.PathOf(image), Prompt = TextSanitizer.MultiLine(start.Prompt, int.MaxValue),
            Size = start.Size ?? LiveDefaults.Size, SampleSteps = start.SampleSteps ?? GenerationDefaults.SampleSteps,
            InferFrames = start.InferFrames ?? GenerationDefaults.InferFrames, Seed = start.Seed ?? GenerationDefaults.Seed,
            RecordingPath = folders.OutputPath(id),
        };
        var problems = host.ValidateLive(request);
        if (problems.Count > 0)
            throw new LiveProtocolException("invalid", "The start message has problems: " + string.Join(" ", problems.Select(p => p.Message)),
                problems: problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()));
        using var lease = sessions.TryEnter()
            ?? throw new LiveProtocolException("busy", "Another live session is running (one at a time); try again when it has stopped.",
                LiveProtocol.CloseCodes.TryAgainLater);
        if (sessions.Queue.Active.Count > 0)
            await SendAsync(new LiveEvent("waiting") { Message = "Waiting for the running job to finish; queued jobs wait until this session ends." }, aborted);
        Directory.CreateDirectory(folders.JobDirectory(id));
        var run = new LiveRun(id, request, image, start.SendSegments ?? true, time.GetUtcNow());
        try
        {
            ILiveSession session;
            try
            {
                session = await host.StartLiveAsync(request, sessions.Limits, aborted);
            }
            catch (GenerationException e) when (e.Kind == GenerationErrorKind.BadInput)
            {
                throw new LiveProtocolException("invalid", ErrorText.ForClient(e.Message, folders));
            }
            await using (session)
                await RunSessionAsync(session, run, aborted);
        }
        finally
        {
            if (history.Find(id) is null) TryDeleteDirectory(folders.JobDirectory(id));
        }
    }

    private async Task<LiveStartMessage> ReceiveStartAsync(CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(StartTimeout);
        (WebSocketMessageType Type, byte[] Data)? first;
        try
        {
            first = await ReceiveAsync(sessions.MaxStartMessageBytes(uploads.Limits), timeout.Token);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            throw new LiveProtocolException("bad-message", $"No start message within {StartTimeout.TotalSeconds:0} s of connecting.");
        }
        if (first is not { } message) throw new OperationCanceledException("closed before starting", aborted);
        if (message.Type != WebSocketMessageType.Text)
            throw new LiveProtocolException("bad-message", "The first message must be the JSON start message; audio comes after it.");
        LiveStartMessage? start;
        try
        {
            start = JsonSerializer.Deserialize<LiveStartMessage>(message.Data, LiveProtocol.Json);
        }
        catch (JsonException e)
        {
            throw new LiveProtocolException("bad-message", "The start message is not valid JSON for this protocol: " + TextSanitizer.SingleLine(e.Message, 200));
        }
        if (start is null || start.Type != "start")
            throw new LiveProtocolException("bad-message", $"The first message must have \"type\": \"start\"; got \"{TextSanitizer.SingleLine(start?.Type, 40)}\".");
        return start;
    }

    private async Task<StoredUpload> ResolveImageAsync(LiveStartMessage start, CancellationToken ct)
    {
        static LiveProtocolException Bad(string message) =>
            new("invalid", message, problems: new Dictionary<string, string[]> { [GenerationField.Image] = [message] });
        var hasId = !string.IsNullOrWhiteSpace(start.ImageId);
        var hasBytes = !string.IsNullOrWhiteSpace(start.ImageBase64);
        if (hasId == hasBytes)
            throw Bad(hasId ? "Give the image once: either imageId or imageBase64, not both." : "A reference image is required: imageId or imageBase64.");
        if (hasId)
            return uploads.Find(start.ImageId) is { Kind: UploadKind.Image } found ? found
                : throw Bad($"There is no uploaded image '{TextSanitizer.SingleLine(start.ImageId, 40)}' on this server.");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(start.ImageBase64!);
        }
        catch (FormatException)
        {
            throw Bad("imageBase64 is not valid base64.");
        }
        try
        {
            return await uploads.SaveAsync(UploadKind.Image, new MemoryStream(bytes), start.ImageName ?? "live-image", ct);
        }
        catch (UploadRejectedException e)
        {
            throw Bad(e.Message);
        }
    }

    private static void TryDeleteDirectory(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
