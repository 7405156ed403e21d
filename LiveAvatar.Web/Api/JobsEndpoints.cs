using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>/api/v1/jobs: the same queue, validation and files as the page; jobs made here show up there.</summary>
public static class JobsEndpoints
{
    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");

        jobs.MapPost("/", async (HttpContext http, JobQueue queue, UploadStore uploads) =>
        {
            var form = await JobSubmissionReader.ReadAsync(http.Request, uploads, http.RequestAborted);
            var client = AccessMiddleware.ClientOf(http);
            // Uploads of a refused submission are nobody's: remove them now rather than at the next start.
            void ForgetUploads()
            {
                foreach (var upload in form.Stored) uploads.Delete(upload.Id);
            }
            // Problems about the speakers are named after the field the client used for them.
            Dictionary<string, string[]> Named(Dictionary<string, string[]> fields)
            {
                if (form.UsedSpeakerPoints && fields.Remove("speaker_masks", out var messages))
                    fields[SpeakerPoints.Field] = [.. fields.GetValueOrDefault(SpeakerPoints.Field) ?? [], .. messages];
                return fields;
            }
            if (form.Problems.Count > 0)
            {
                // Report everything at once: the form's own problems (under the names sent) plus the rules' on what
                // could be read.
                var rules = new List<GenerationProblem>();
                var conditioning = ConditioningInputs.Resolve(form.Parameters, uploads, rules);
                rules.InsertRange(0, SubmissionRules.Check(form.Parameters, form.Image, form.Audio, queue.Loras, conditioning));
                var all = Named(ApiFieldNames.Group(rules));
                foreach (var (field, messages) in form.Problems) all[field] = messages;
                ForgetUploads();
                return ApiProblems.Invalid(all);
            }
            try
            {
                var job = queue.Submit(form.Parameters, client);
                return Results.Accepted(ApiRoutes.Job(job.Id), JobResource.From(job.Record, null, queue.PositionOf(job.Id)));
            }
            catch (JobRejectedException e)
            {
                ForgetUploads();
                return e.Reason == RejectionReason.Invalid ? ApiProblems.Invalid(Named(ApiFieldNames.Group(e.Problems))) : ApiProblems.Rejected(e);
            }
        })
        .DisableAntiforgery() // scripts have no antiforgery token; browsers' cross-site posts stop at the Origin check
        .WithName("CreateJob")
        .WithSummary("Queue a job (multipart: image, audio, prompt and generation parameters; optional pose video and second speaker).")
        .Produces<JobResource>(StatusCodes.Status202Accepted)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status507InsufficientStorage)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        jobs.MapGet("/", (JobQueue queue, HistoryStore history) =>
            TypedResults.Ok(history.All.Select(r => View(r, queue)).ToList()))
        .WithName("ListJobs").WithSummary("Every job the server keeps (queued, running and past), newest first.");

        jobs.MapGet("/{id}", (string id, JobQueue queue, HistoryStore history) =>
            history.Find(id) is { } r ? Results.Ok(View(r, queue)) : ApiProblems.NotFound(id))
        .WithName("GetJob").WithSummary("State, parameters, progress and timings of one job.")
        .Produces<JobResource>().ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id}/events", (string id, HttpContext http, JobQueue queue, HistoryStore history) =>
            history.Find(id) is null ? Task.FromResult(ApiProblems.NotFound(id)) : JobEventStream.RunAsync(http, id, queue, history))
        .WithName("JobEvents")
        .WithSummary("Server-sent events: queued, started, clip, progress, finished, failed, cancelled. Reconnect with Last-Event-ID.")
        .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapMethods("/{id}/video", [HttpMethods.Get, HttpMethods.Head], (string id, HistoryStore history, DataFolders folders) =>
        {
            if (history.Find(id) is not { } record) return ApiProblems.NotFound(id);
            if (record is { Status: JobStatus.Completed, OutputPath: { } path } && File.Exists(path))
                return Results.File(path, "video/mp4", MediaEndpoints.DownloadName(record), enableRangeProcessing: true);
            return MediaEndpoints.PartialVideo(id, history, folders)
                ?? ApiProblems.Problem(StatusCodes.Status404NotFound, "No video yet",
                    $"Job {id} is {record.Status.ToString().ToLowerInvariant()} and has no finished clip yet; follow its events.", "no-video");
        })
        .WithName("GetJobVideo")
        .WithSummary("The MP4 (range requests supported): the final video, or the finished clips of an unfinished run.")
        .Produces(StatusCodes.Status200OK, contentType: "video/mp4").ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapDelete("/{id}", (string id, HttpContext http, JobQueue queue, HistoryStore history) =>
        {
            var client = AccessMiddleware.ClientOf(http);
            if (queue.FindActive(id) is not null)
            {
                return queue.Cancel(id, client) switch
                {
                    JobAction.Done => Results.Accepted(ApiRoutes.Job(id), View(history.Find(id)!, queue)),
                    JobAction.Forbidden => ApiProblems.Forbidden(),
                    _ => Results.Accepted(ApiRoutes.Job(id), View(history.Find(id)!, queue)), // finished meanwhile
                };
            }
            return queue.Delete(id, client) switch
            {
                JobAction.Done => Results.NoContent(),
                JobAction.Forbidden => ApiProblems.Forbidden(),
                JobAction.Conflict => ApiProblems.Problem(StatusCodes.Status409Conflict, "Job still active",
                    "The job started meanwhile; DELETE again to cancel it.", "conflict"),
                _ => ApiProblems.NotFound(id),
            };
        })
        .DisableAntiforgery()
        .WithName("DeleteJob")
        .WithSummary("Cancels a queued or running job (202; finished clips stay) or deletes a finished one with its files (204).")
        .Produces<JobResource>(StatusCodes.Status202Accepted).Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    internal static JobResource View(JobRecord record, JobQueue queue)
    {
        var live = queue.FindActive(record.Id);
        return JobResource.From(live?.Record ?? record, live?.Progress, queue.PositionOf(record.Id));
    }
}
