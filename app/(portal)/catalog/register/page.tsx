import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ImportYamlForm } from "./_components/import-yaml-form";
import { AddLocationForm } from "./_components/add-location-form";

export const metadata: Metadata = { title: "Register entities" };

export default function RegisterPage() {
  return (
    <>
      <PageHeader title="Register entities" description="Add Backstage catalog-info.yaml files to the catalog. An import is all or nothing: if any document is invalid, nothing is written." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Paste or upload a file</CardTitle>
            <CardDescription>One or more documents separated by ---. Up to 1,000 documents and 2 MB.</CardDescription>
          </CardHeader>
          <CardContent>
            <ImportYamlForm />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Add a location</CardTitle>
            <CardDescription>A catalog-info.yaml in a repository. Pave reads it now and refreshes it every few minutes; entities removed from the file are removed from the catalog.</CardDescription>
          </CardHeader>
          <CardContent>
            <AddLocationForm />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
