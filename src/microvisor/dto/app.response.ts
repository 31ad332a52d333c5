import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../twilio/paging';

class AppLinks {
  @ApiProperty({ format: 'uri' })
  app_manifests!: string;
}

/** An App as Twilio's `microvisor.v1.app` schema gives it. */
export class AppResponse {
  @ApiProperty({ example: 'KAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  sid!: string;

  @ApiProperty({ example: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  account_sid!: string;

  @ApiProperty({
    description: 'SHA-256 of the bundle as uploaded, as `sha256:<hex>`',
    example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  })
  hash!: string;

  @ApiProperty({ type: String, nullable: true })
  unique_name!: string | null;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_created!: string;

  @ApiProperty({ example: '2015-07-30T20:00:00Z' })
  date_updated!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;

  @ApiProperty()
  links!: AppLinks;
}

export class AppPage {
  @ApiProperty({ type: [AppResponse] })
  apps!: AppResponse[];

  @ApiProperty()
  meta!: PageMeta;
}

/** An App's manifest as Twilio's `microvisor.v1.app.app_manifest` schema gives it. */
export class AppManifestResponse {
  @ApiProperty({ example: 'KAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
  app_sid!: string;

  @ApiProperty({ description: "The App's hash" })
  hash!: string;

  @ApiProperty({
    description:
      'The manifest, base64: UTF-8 JSON `{"entries":[{"name","size","sha256"}, …]}`, one entry per file of the bundle',
  })
  encoded_bytes!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;
}
