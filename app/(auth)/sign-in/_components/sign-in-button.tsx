"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { Loader2, LogIn } from "lucide-react";
import { Button } from "@/components/ui/button";

export function SignInButton({ providerId, name, callbackUrl }: { providerId: string; name: string; callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      size="lg"
      className="w-full"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn(providerId, { callbackUrl });
      }}
    >
      {pending ? <Loader2 className="animate-spin" aria-hidden /> : <LogIn aria-hidden />}
      Continue with {name}
    </Button>
  );
}
