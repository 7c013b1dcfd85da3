import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AlertCircle, CheckCircle2 } from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/session";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { configuredProviders } from "@/lib/auth/options";
import { getEnv } from "@/lib/env";
import { SignInButton } from "./_components/sign-in-button";

export const metadata: Metadata = { title: "Sign in" };

// next-auth's error codes, in words a person can act on.
const ERRORS: Record<string, string> = {
  OAuthSignin: "We couldn't start sign-in: the identity provider did not answer or is not set up correctly. Try again, or tell your platform team.",
  OAuthCallback: "The identity provider's answer could not be verified. Please try again.",
  OAuthCreateAccount: "Your account could not be created. Please try again.",
  OAuthAccountNotLinked: "This email is already linked to another sign-in method. Use the one you signed in with before.",
  Callback: "Sign-in could not be completed. Please try again.",
  AccessDenied: "Access was denied.",
  SessionRequired: "Please sign in to continue.",
};
const DEFAULT_ERROR = "Sign-in failed. Please try again.";

type Search = { callbackUrl?: string; error?: string; signedOut?: string };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Search> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl, getEnv().NEXTAUTH_URL);
  if (await getCurrentUser()) redirect(callbackUrl);

  const providers = configuredProviders(getEnv()).map((p) => ({ id: p.id, name: p.name }));
  const error = params.error ? (ERRORS[params.error] ?? DEFAULT_ERROR) : null;

  return (
    <main className="flex min-h-dvh items-center justify-center bg-muted/40 px-4">
      <Card className="w-full max-w-sm">
        <CardHeader className="items-center text-center">
          <svg viewBox="0 0 24 24" className="mb-2 size-10 text-primary" aria-hidden>
            <path fill="currentColor" d="M3 17h4l4-10h4l-4 10h10v3H3z" opacity=".35" />
            <path fill="currentColor" d="M3 20l5-13h4L7 20z" />
          </svg>
          <CardTitle className="text-xl">Sign in to Pave</CardTitle>
          <CardDescription>Your internal developer portal. Use your company account.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          {error ? (
            <div role="alert" className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
              <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
              <span>{error}</span>
            </div>
          ) : null}
          {params.signedOut && !error ? (
            <div role="status" className="flex gap-2 rounded-md border p-3 text-sm text-muted-foreground">
              <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-success" aria-hidden />
              <span>You have signed out.</span>
            </div>
          ) : null}
          {providers.map((p) => (
            <SignInButton key={p.id} providerId={p.id} name={p.name} callbackUrl={callbackUrl} />
          ))}
          {providers.length === 0 ? (
            <p className="text-sm text-muted-foreground">No sign-in provider is configured. Set OIDC_ISSUER or GITHUB_ID (see the README).</p>
          ) : null}
        </CardContent>
      </Card>
    </main>
  );
}
