"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { AlertTriangle, Boxes, CheckCircle2, Circle, ExternalLink, Loader2, MinusCircle, XCircle } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { RunView } from "@/lib/scaffolder/queries";
import { formatUtc } from "@/components/relative-time";

const FINISHED = new Set(["succeeded", "failed"]);

async function fetchRun(id: string): Promise<RunView> {
  const response = await fetch(`/api/scaffolder/runs/${id}`, { cache: "no-store" });
  if (!response.ok) throw new Error("The run could not be loaded.");
  return response.json();
}

/** A template's output link as an href, only for web and file URLs: a template must not hand the browser a javascript: link. */
function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "file:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Catalog links in a template's output ("entityRef") open the entity page. */
function entityLink(ref: string): string {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) return "/catalog";
  return `/catalog/${encodeURIComponent(match[1]!.toLowerCase())}/${encodeURIComponent(match[2] ?? "default")}/${encodeURIComponent(match[3]!)}`;
}

function StepIcon({ status }: { status: string }) {
  if (status === "succeeded") return <CheckCircle2 className="size-5 text-success" aria-hidden />;
  if (status === "failed") return <XCircle className="size-5 text-destructive" aria-hidden />;
  if (status === "running") return <Loader2 className="size-5 animate-spin text-primary" aria-hidden />;
  if (status === "skipped") return <MinusCircle className="size-5 text-muted-foreground" aria-hidden />;
  return <Circle className="size-5 text-muted-foreground" aria-hidden />;
}

export function RunProgress({ initial }: { initial: RunView }) {
  const { data: run = initial, isError } = useQuery({
    queryKey: ["scaffolder-run", initial.id],
    queryFn: () => fetchRun(initial.id),
    initialData: initial,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 1000),
  });
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [run.log.length]);

  const done = run.steps.filter((s) => s.status === "succeeded" || s.status === "skipped" || s.status === "failed").length;
  const percent = run.steps.length ? Math.round((done / run.steps.length) * 100) : 0;
  const failedStep = run.steps.find((s) => s.status === "failed");

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{run.templateTitle}</h1>
        <Badge variant={run.status === "failed" ? "destructive" : run.status === "succeeded" ? "default" : "secondary"} data-testid="run-status">
          {run.status}
        </Badge>
      </div>
      <p className="-mt-3 text-sm text-muted-foreground">
        Started by {run.createdBy ?? "someone"} on {formatUtc(new Date(run.createdAt))}
        {run.finishedAt ? `, finished ${run.finishedAt.replace("T", " ").slice(11, 19)} UTC` : ""}
      </p>

      <div>
        <div className="mb-1 flex justify-between text-xs text-muted-foreground">
          <span>
            {done} of {run.steps.length} steps
          </span>
          <span>{percent}%</span>
        </div>
        <div role="progressbar" aria-label="Run progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 overflow-hidden rounded-full bg-muted">
          <div className={cn("h-full transition-all", run.status === "failed" ? "bg-destructive" : "bg-primary")} style={{ width: `${percent}%` }} />
        </div>
      </div>

      {isError ? <p className="text-sm text-destructive">Lost contact with the server; retrying…</p> : null}

      {run.restricted ? (
        <p role="note" className="rounded-md border p-3 text-sm text-muted-foreground">
          Only the person who started this run, the template&apos;s owners and the platform team can see its answers, log and output.
        </p>
      ) : null}

      {run.status === "failed" ? (
        <div role="alert" className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <div>
            <p className="font-medium">{failedStep ? `"${failedStep.name}" failed` : "The run failed"}</p>
            <p>{run.error}</p>
          </div>
        </div>
      ) : null}

      <div className="grid gap-5 lg:grid-cols-[20rem_1fr]">
        <Card>
          <CardHeader>
            <CardTitle>Steps</CardTitle>
          </CardHeader>
          <CardContent>
            <ol aria-label="Steps" className="flex flex-col gap-3">
              {run.steps.map((s) => (
                <li key={s.stepId} className="flex items-start gap-3" aria-label={`${s.name}: ${s.status}`}>
                  <StepIcon status={s.status} />
                  <div className="min-w-0">
                    <p className="text-sm font-medium">{s.name}</p>
                    <p className="font-mono text-xs text-muted-foreground">{s.action}</p>
                    {s.error ? <p className="mt-1 text-xs text-destructive">{s.error}</p> : null}
                  </div>
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>Log</CardTitle>
          </CardHeader>
          <CardContent>
            <pre ref={logRef} aria-label="Run log" aria-live="polite" className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-muted p-3 font-mono text-xs">
              {run.log.length
                ? run.log.map((l) => `${l.at.slice(11, 19)}  ${l.message}`).join("\n")
                : run.restricted
                  ? "The log is visible to the run's starter, the template's owners and the platform team."
                  : "Waiting for a worker to pick up the run…"}
            </pre>
          </CardContent>
        </Card>
      </div>

      {run.status === "succeeded" && run.output ? (
        <Card>
          <CardHeader>
            <CardTitle>Done</CardTitle>
          </CardHeader>
          <CardContent className="flex flex-col gap-3">
            <ul className="flex flex-wrap gap-3" aria-label="Output links">
              {(run.output.links ?? []).map((link, i) =>
                link.entityRef ? (
                  <li key={i}>
                    <Link href={entityLink(link.entityRef)} className="inline-flex items-center gap-2 rounded-md border px-3 py-2 text-sm hover:border-primary/60 hover:text-primary">
                      <Boxes className="size-4" aria-hidden /> {link.title ?? link.entityRef}
                    </Link>
                  </li>
                ) : link.url && safeHref(link.url) ? (
                  <li key={i}>
                    <a href={safeHref(link.url)!} className="inline-flex items-center gap-2 rounded-md border px-3 py-2 text-sm hover:border-primary/60 hover:text-primary" target="_blank" rel="noreferrer noopener">
                      <ExternalLink className="size-4" aria-hidden /> {link.title ?? link.url}
                    </a>
                    {link.url.startsWith("file://") ? <code className="ml-2 text-xs text-muted-foreground">git clone {link.url}</code> : null}
                  </li>
                ) : null,
              )}
            </ul>
            {(run.output.text ?? []).map((t, i) => (
              <div key={i}>
                {t.title ? <h3 className="text-sm font-medium">{t.title}</h3> : null}
                <p className="whitespace-pre-wrap text-sm text-muted-foreground">{t.content}</p>
              </div>
            ))}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
