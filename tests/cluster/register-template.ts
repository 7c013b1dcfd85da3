// Registers the cluster test's slow golden path: it waits between rendering and
// publishing, which gives the test a moment to kill the worker in the middle of a run.
import { registerTemplateSource } from "../factories.ts";

const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: slow-service
  title: Slow service
  description: Renders a service, waits a few seconds, then publishes and registers it.
spec:
  owner: group:default/team-platform
  type: service
  parameters:
    - title: Service
      required: [name]
      properties:
        name:
          title: Name
          type: string
          pattern: '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'
  steps:
    - id: fetch
      name: Render the skeleton
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: wait
      name: Wait a moment
      action: debug:wait
      input:
        seconds: 6
    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}
    - id: register
      name: Register in the catalog
      action: catalog:register
      input:
        repoContentsUrl: \${{ steps['publish'].output.repoContentsUrl }}
        catalogInfoPath: /catalog-info.yaml
  output:
    links:
      - title: Repository
        url: \${{ steps['publish'].output.remoteUrl }}
`;

const catalogInfo = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-checkout
`;

await registerTemplateSource(template, { "skeleton/catalog-info.yaml": catalogInfo, "skeleton/README.md": "# ${{ values.name }}\n" });
process.exit(0);
