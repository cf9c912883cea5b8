// Small OpenAPI documents shaped like Apple's, and a tiny zip writer, for the explorer's tests.
import { deflateRawSync } from 'node:zlib'

/** A document with `/v1/widgets` (GET paged, POST) and `/v1/widgets/{id}` (GET); `next` adds more. */
export function smallSpec(version: string, next = false): unknown {
  const states = next ? ['NEW', 'OLD', 'RETIRED'] : ['NEW', 'OLD']
  const limit = {
    name: 'limit',
    in: 'query',
    description: 'maximum resources per page',
    schema: { type: 'integer', maximum: 200 }
  }
  const filter = {
    name: 'filter[state]',
    in: 'query',
    description: "filter by attribute 'state'",
    schema: { type: 'array', items: { type: 'string', enum: states } },
    required: false
  }
  const colour = {
    name: 'filter[colour]',
    in: 'query',
    schema: { type: 'array', items: { type: 'string' } }
  }
  const ok = (ref: string) => ({
    description: 'ok',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } }
  })
  const attributes: Record<string, unknown> = {
    name: { type: 'string' },
    state: { type: 'string', enum: states },
    ...(next ? { colour: { type: 'string', nullable: true } } : { size: { type: 'integer' } })
  }
  const paths: Record<string, unknown> = {
    '/v1/widgets': {
      get: {
        tags: ['Widgets'],
        operationId: 'widgets_getCollection',
        parameters: next ? [filter, colour, limit] : [filter, limit],
        responses: { '200': ok('WidgetsResponse') }
      },
      post: {
        tags: ['Widgets'],
        operationId: 'widgets_createInstance',
        requestBody: {
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/WidgetCreateRequest' } }
          }
        },
        responses: { '201': ok('WidgetResponse') }
      }
    },
    '/v1/widgets/{id}': {
      get: {
        tags: ['Widgets'],
        operationId: 'widgets_getInstance',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': ok('WidgetResponse') }
      }
    }
  }
  if (next)
    paths['/v1/gadgets'] = {
      get: {
        tags: ['Gadgets'],
        operationId: 'gadgets_getCollection',
        responses: { '200': ok('WidgetsResponse') }
      }
    }
  return {
    openapi: '3.0.1',
    info: { title: 'App Store Connect API', version },
    paths,
    components: {
      schemas: {
        Widget: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['widgets'] },
            id: { type: 'string' },
            attributes: { type: 'object', properties: attributes },
            relationships: {
              type: 'object',
              properties: {
                app: {
                  type: 'object',
                  properties: {
                    data: {
                      type: 'object',
                      properties: {
                        type: { type: 'string', enum: ['apps'] },
                        id: { type: 'string' }
                      },
                      required: ['id', 'type']
                    }
                  }
                }
              }
            }
          },
          required: ['id', 'type']
        },
        WidgetCreateRequest: {
          type: 'object',
          properties: {
            data: {
              type: 'object',
              properties: {
                type: { type: 'string', enum: ['widgets'] },
                attributes: {
                  type: 'object',
                  properties: { name: { type: 'string' }, state: { type: 'string', enum: states } },
                  required: ['name']
                }
              },
              required: ['type', 'attributes']
            }
          },
          required: ['data']
        },
        WidgetResponse: {
          type: 'object',
          properties: { data: { $ref: '#/components/schemas/Widget' } },
          required: ['data']
        },
        WidgetsResponse: {
          type: 'object',
          properties: {
            data: { type: 'array', items: { $ref: '#/components/schemas/Widget' } }
          },
          required: ['data']
        }
      }
    }
  }
}

function crc32(bytes: Buffer): number {
  let crc = ~0
  for (const b of bytes) {
    crc ^= b
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

/** A zip archive of the given files, each deflated. */
export function zipOf(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content)
    const packed = deflateRawSync(data)
    const nameBytes = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc32(data), 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc32(data), 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, packed)
    centrals.push(central, nameBytes)
    offset += 30 + nameBytes.length + packed.length
  }
  const dir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}
